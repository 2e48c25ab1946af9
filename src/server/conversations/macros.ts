// Moved: macros live in src/server/macros/ (render.ts, service.ts). Kept so
// older imports keep working.
export { firstName, MACRO_PLACEHOLDERS, renderMacro, type MacroVars } from "@/server/macros/render";
