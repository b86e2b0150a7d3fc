/** Every route of a running Express app, found by walking its router (access tests cover new routes or fail). */

export interface LayerLike {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: LayerLike[] };
  rawPath?: unknown;
}

/** `METHOD /path` of every route in an Express app, mounted routers included. */
export function mountedRoutes(stack: LayerLike[], prefix = ''): string[] {
  const out: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      if (typeof layer.route.path !== 'string') throw new Error(`a route on a pattern under ${prefix}: give it a string path so it can be checked`);
      for (const m of Object.keys(layer.route.methods)) out.push(`${m === '_all' ? 'ALL' : m.toUpperCase()} ${prefix}${layer.route.path}`);
    } else if (layer.handle?.stack) {
      if (typeof layer.rawPath !== 'string') throw new Error(`a router mounted on a pattern under ${prefix}: mount it on a string path so it can be checked`);
      out.push(...mountedRoutes(layer.handle.stack, prefix + (layer.rawPath === '/' ? '' : layer.rawPath)));
    }
  }
  return out;
}
