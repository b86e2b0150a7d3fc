import { diffArrays } from 'diff';
import { isCollection, isScalar, isSeq, parseDocument } from 'yaml';
import type { FormEdit } from './schemaForm.ts';

/**
 * A form edit applied to the flow's YAML through the `yaml` Document API, so comments, blank lines,
 * flow-style lists and every other step keep their formatting: only the edited node changes.
 * Throws when the text does not parse (the editor disables the form then).
 */
export function applyEdit(text: string, edit: FormEdit): string {
  const doc = parseDocument(text);
  if (doc.errors.length) throw new Error(`the YAML does not parse: ${doc.errors[0]!.message.split('\n')[0]}`);
  switch (edit.op) {
    case 'set': {
      // A list or map written in flow style (`{ equals: [consent, true] }`) stays in flow style.
      const node = doc.createNode(edit.value);
      const old = doc.getIn(edit.path, true);
      if (isCollection(node) && isCollection(old) && old.flow) node.flow = true;
      // A new text is printed plain where YAML allows it (`label: ""` filled in becomes `label: languages.pl`);
      // the printer still quotes what would otherwise read as a number or true/false.
      if (isScalar(old) && typeof edit.value === 'string') old.type = undefined;
      doc.setIn(edit.path, isCollection(node) ? node : edit.value);
      break;
    }
    case 'delete':
      doc.deleteIn(edit.path);
      break;
    case 'add': {
      const seq = doc.getIn(edit.path, true);
      if (!isSeq(seq)) {
        doc.setIn(edit.path, [edit.value]);
        break;
      }
      // A new item takes its siblings' style: `- { value: en, label: … }` stays one line each.
      const node = doc.createNode(edit.value);
      const last = seq.items[seq.items.length - 1];
      if (isCollection(node) && isCollection(last) && last.flow) node.flow = true;
      seq.items.push(node);
      break;
    }
    default: {
      const never: never = edit;
      return never;
    }
  }
  // lineWidth 0: never fold a long line the coordinator wrote on one.
  return keepUntouchedLines(text, doc.toString({ lineWidth: 0 }));
}

const spacing = (line: string): string => line.replace(/\s+/g, '');

/** The flows' own style for new lines: `[consent, true]` lists inside `{ … }` maps (lines with quotes are left as printed). */
const tightLists = (line: string): string => (/["']/.test(line) ? line : line.replace(/\[ /g, '[').replace(/ \]/g, ']'));

/**
 * The printer re-spaces flow collections it did not change (`[consent, true]` becomes
 * `[ consent, true ]`); lines that differ only in spacing keep the coordinator's own text.
 */
export function keepUntouchedLines(before: string, after: string): string {
  const old = before.split('\n');
  let i = 0;
  const out: string[] = [];
  for (const part of diffArrays(old, after.split('\n'), { comparator: (a, b) => spacing(a) === spacing(b) })) {
    if (part.added) out.push(...part.value.map(tightLists));
    else if (part.removed) i += part.value.length;
    else {
      out.push(...old.slice(i, i + part.value.length));
      i += part.value.length;
    }
  }
  return out.join('\n');
}

/** Reads a line of YAML typed into a form field (a condition, a map of params). */
export function parseYamlLine(line: string): { ok: true; value: unknown } | { ok: false; message: string } {
  const doc = parseDocument(line);
  if (doc.errors.length) return { ok: false, message: doc.errors[0]!.message.split('\n')[0] ?? 'not valid YAML' };
  return { ok: true, value: doc.toJS() };
}
