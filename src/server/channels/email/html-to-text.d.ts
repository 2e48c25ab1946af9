// html-to-text ships without types (it arrives with mailparser, which uses it
// for the same purpose). Only the one function we call is declared.
declare module "html-to-text" {
  export function htmlToText(html: string, options?: Record<string, unknown>): string;
}
