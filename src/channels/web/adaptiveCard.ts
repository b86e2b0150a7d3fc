import type { Card } from '../../engine/reply.ts';

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/** What a card button sends back: the choice value plus the label shown in the transcript. */
export interface CardSubmitData {
  choice: string;
  label: string;
}

/**
 * A Card as an Adaptive Card 1.5 (the highest version Web Chat 4.18 and Teams both render).
 * `fallbackText` carries the engine's plain-text fallback for channels without card support.
 */
export function adaptiveCard(card: Card, dir: 'ltr' | 'rtl'): Record<string, unknown> {
  const body: unknown[] = [{ type: 'TextBlock', text: card.title, weight: 'Bolder', size: 'Medium', wrap: true, style: 'heading' }];
  if (card.text) body.push({ type: 'TextBlock', text: card.text, wrap: true });
  if (card.facts.length > 0) {
    body.push({ type: 'FactSet', facts: card.facts.map((f) => ({ title: f.label, value: f.value })) });
  }
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    ...(dir === 'rtl' ? { rtl: true } : {}),
    fallbackText: card.fallback,
    speak: card.fallback,
    body,
    actions: card.actions.map((a) => ({
      type: 'Action.Submit',
      title: a.label,
      data: { choice: a.value, label: a.label } satisfies CardSubmitData,
    })),
  };
}
