// The xliff package (6.4.0) ships no types: the two functions this project uses.
declare module 'xliff/js2xliff' {
  export default function js2xliff(obj: unknown, opt?: { indent?: string; targetXliffVersion?: string }): Promise<string>;
}
declare module 'xliff/xliff2js' {
  export default function xliff2js(xml: string): Promise<unknown>;
}
