// The widget's stylesheet, scoped to its shadow root. `:host { all: initial }`
// with !important wins over any page rule aimed at the host element (inside a
// shadow tree !important declarations beat the outer page's), so host CSS such
// as `* { all: unset; font-size: 40px !important }` cannot reach in.
// Colours are custom properties on .root, swapped by .root.dark (the host
// page's prefers-color-scheme, or the inbox's pinned theme); spacing uses
// logical properties so .root[dir=rtl] mirrors the inside of the panel while
// the launcher and panel stay in the corner the page gives them.
export const CSS = `
:host{all:initial!important;position:fixed!important;inset:auto 0 0 auto!important;width:0!important;height:0!important;z-index:2147483000!important;display:block!important;contain:none!important}
*,*::before,*::after{box-sizing:border-box}
[hidden]{display:none!important}
.root{--c:#4f46e5;--on:#fff;--bg:#fff;--bg2:#f8fafc;--fg:#0f172a;--fg2:#1e293b;--mut:#475569;--mut2:#64748b;--line:#e2e8f0;--edge:#cbd5e1;--soft:#f1f5f9;--tint:#eef2ff;--err:#dc2626;--link:var(--c);color-scheme:light;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);-webkit-font-smoothing:antialiased;letter-spacing:normal;text-align:start}
.root.dark{--bg:#1e293b;--bg2:#0f172a;--fg:#f1f5f9;--fg2:#e2e8f0;--mut:#cbd5e1;--mut2:#a3b1c6;--line:#334155;--edge:#475569;--soft:#334155;--tint:#312e81;--err:#fca5a5;--link:#c7d2fe;color-scheme:dark}
::placeholder{color:var(--mut2);opacity:1}
button,input,textarea{font:inherit;color:inherit;margin:0}
button{cursor:pointer;border:0;background:none;padding:0}
:focus-visible{outline:2px solid var(--c);outline-offset:2px}
.ic{display:inline-flex;width:20px;height:20px}
.ic svg{width:100%;height:100%;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.launcher{position:fixed;right:20px;bottom:20px;width:58px;height:58px;border-radius:50%;background:var(--c);color:var(--on);display:flex;align-items:center;justify-content:center;box-shadow:0 6px 24px rgba(15,23,42,.25),0 2px 6px rgba(15,23,42,.15);transition:transform .15s ease,box-shadow .15s ease}
.launcher:hover{transform:scale(1.05);box-shadow:0 10px 30px rgba(15,23,42,.3)}
.launcher .ic{width:28px;height:28px}
.badge{position:absolute;top:-3px;right:-3px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#ef4444;color:#fff;font-size:12px;font-weight:700;line-height:22px;text-align:center;border:2px solid #fff}
.panel{position:fixed;right:20px;bottom:92px;width:380px;height:min(640px,calc(100vh - 112px));display:flex;flex-direction:column;background:var(--bg);border-radius:18px;overflow:hidden;box-shadow:0 16px 48px rgba(15,23,42,.22),0 2px 8px rgba(15,23,42,.08);transform-origin:bottom right;animation:pop .18s ease-out}
.panel[hidden]{display:none}
@keyframes pop{from{opacity:0;transform:translateY(8px) scale(.98)}to{opacity:1;transform:none}}
.head{background:var(--c);color:var(--on);padding-block:18px 20px;padding-inline:18px 16px;display:flex;gap:12px;align-items:flex-start}
.head .who{flex:1;min-width:0}
.head h2{margin:0;font-size:17px;font-weight:650;line-height:1.3}
.head p{margin:4px 0 0;font-size:13px;opacity:.88}
.dot{display:inline-block;width:8px;height:8px;border-radius:50%;background:#22c55e;margin-inline-end:6px;box-shadow:0 0 0 2px rgba(255,255,255,.5);vertical-align:1px}
.dot.off{background:#cbd5e1}
.avatar{flex:none;width:40px;height:40px;border-radius:50%;background:rgba(255,255,255,.22);display:flex;align-items:center;justify-content:center;font-weight:700;font-size:16px;overflow:hidden}
.avatar img{width:100%;height:100%;object-fit:cover}
.close{flex:none;width:34px;height:34px;border-radius:10px;display:flex;align-items:center;justify-content:center;color:var(--on);opacity:.9}
.close:hover{background:rgba(255,255,255,.18);opacity:1}
.main{position:relative;flex:1;min-height:0;background:var(--bg2)}
.scroll{height:100%;overflow-y:auto;padding:16px 14px 8px;overscroll-behavior:contain}
.log{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:2px}
.day{align-self:center;margin:10px 0 6px;font-size:11.5px;color:var(--mut2);font-weight:600;letter-spacing:.02em}
.m{display:flex;flex-direction:column;max-width:82%;margin-top:6px}
.m.me{align-self:flex-end;align-items:flex-end}
.m.them{align-self:flex-start;align-items:flex-start}
.m.cont{margin-top:1px}
.name{font-size:12px;color:var(--mut2);margin:0 0 3px;margin-inline-start:4px;font-weight:600}
.bubble{padding:9px 13px;border-radius:18px;white-space:pre-wrap;word-wrap:break-word;overflow-wrap:anywhere}
.me .bubble{background:var(--c);color:var(--on);border-end-end-radius:6px}
.them .bubble{background:var(--bg);color:var(--fg);border:1px solid var(--line);border-end-start-radius:6px}
.bubble a{color:inherit;text-decoration:underline}
.greet .bubble{background:var(--bg)}
.imgs{display:flex;flex-wrap:wrap;gap:6px;margin-top:4px;justify-content:flex-end}
.them .imgs{justify-content:flex-start}
.imgs a{display:block;border-radius:12px;overflow:hidden;border:1px solid var(--line);background:var(--bg)}
.imgs img{display:block;max-width:220px;max-height:200px;min-width:56px;min-height:56px;object-fit:cover}
.ctx{font-size:12px;color:var(--mut);background:var(--tint);border-radius:8px;padding:3px 8px;margin-bottom:4px}
.meta{font-size:11px;color:var(--mut2);margin:3px 6px 0}
.meta.err{color:var(--err)}
.older{display:block;margin:0 auto 8px;font-size:12.5px;color:var(--link);font-weight:600;padding:4px 10px;border-radius:8px}
.older:hover{background:var(--tint)}
.typing{display:flex;align-items:center;gap:8px;font-size:12.5px;color:var(--mut2);margin:8px 2px 0}
.dots{display:inline-flex;gap:3px;background:var(--bg);border:1px solid var(--line);border-radius:14px;padding:8px 10px}
.dots i{width:6px;height:6px;border-radius:50%;background:#94a3b8;animation:blink 1.2s infinite}
.dots i:nth-child(2){animation-delay:.2s}.dots i:nth-child(3){animation-delay:.4s}
@keyframes blink{0%,80%,100%{opacity:.3;transform:none}40%{opacity:1;transform:translateY(-2px)}}
.notice{margin:0;padding:10px 14px;font-size:13px;border-top:1px solid var(--line);background:var(--bg)}
.notice.warn{background:#fffbeb;color:#92400e}
.notice.error{background:#fef2f2;color:#991b1b;font-weight:500}
.notice.info{background:#f1f5f9;color:#334155}
.dark .notice.warn{background:#422006;color:#fde68a}
.dark .notice.error{background:#450a0a;color:#fecaca}
.dark .notice.info{background:#334155;color:#e2e8f0}
.row{display:flex;gap:8px;margin-top:8px}
.field{flex:1;min-width:0;border:1px solid var(--edge);border-radius:10px;padding:9px 11px;background:var(--bg);outline:none}
.field:focus{border-color:var(--c);box-shadow:0 0 0 3px rgba(99,102,241,.15)}
.btn{background:var(--c);color:var(--on);border-radius:10px;padding:9px 14px;font-weight:600;white-space:nowrap}
.btn:hover{filter:brightness(.95)}
.btn.ghost{background:var(--bg);color:var(--c);border:1px solid #c7d2fe}
.suggest{padding:10px 12px 4px;background:var(--bg);border-top:1px solid var(--line)}
.suggest h3{margin:0 0 6px;margin-inline-start:2px;font-size:11.5px;text-transform:uppercase;letter-spacing:.06em;color:var(--mut2)}
.suggest ul{list-style:none;margin:0;padding:0}
.art{display:block;width:100%;text-align:start;padding:8px 10px;border-radius:10px}
.art:hover,.art:focus-visible{background:var(--soft)}
.art b{display:block;font-weight:600;color:var(--fg);font-size:13.5px}
.art span{display:block;font-size:12.5px;color:var(--mut2);overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.reader{position:absolute;inset:0;background:var(--bg);overflow-y:auto;padding:14px 18px 18px}
.reader[hidden]{display:none}
.back{display:inline-flex;align-items:center;gap:4px;font-size:13px;color:var(--mut);font-weight:600;padding:4px 6px;margin-inline-start:-6px;border-radius:8px}
.back:hover{background:var(--soft)}
[dir=rtl] .back .ic,[dir=rtl] .send .ic{transform:scaleX(-1)}
.back .ic{width:16px;height:16px}
.reader h2{font-size:19px;line-height:1.3;margin:10px 0 4px}
.reader .cat{font-size:12px;color:var(--mut2);margin:0 0 10px}
.md{font-size:14px;color:var(--fg2)}
.md h3{font-size:15.5px;margin:18px 0 6px}.md h4{font-size:14px;margin:14px 0 4px}
.md p{margin:0 0 10px}.md ul,.md ol{margin:0 0 10px;padding-inline-start:22px}.md li{margin:2px 0}
.md code{font:12.5px ui-monospace,SFMono-Regular,Menlo,monospace;background:var(--soft);border-radius:5px;padding:1px 5px}
.md pre{background:#0f172a;color:#e2e8f0;border-radius:10px;padding:10px 12px;overflow-x:auto;margin:0 0 10px}
.md pre code{background:none;padding:0;color:inherit}
.md blockquote{margin:0 0 10px;padding:6px 12px;border-inline-start:3px solid #c7d2fe;color:var(--mut)}
.md a{color:var(--link)}
.still{margin-top:18px;padding:14px;border-radius:12px;background:var(--bg2);border:1px solid var(--line);text-align:center}
.still p{margin:0 0 8px;font-weight:600}
.compose{border-top:1px solid var(--line);background:var(--bg);padding:10px 10px 8px}
.chips{display:flex;flex-wrap:wrap;gap:6px;margin:0 2px 8px}
.chip{display:inline-flex;align-items:center;gap:6px;font-size:12px;background:var(--soft);border-radius:8px;padding-block:3px;padding-inline:8px 4px;max-width:100%}
.chip img{width:28px;height:28px;border-radius:5px;object-fit:cover}
.chip span{overflow:hidden;text-overflow:ellipsis;white-space:nowrap;max-width:200px}
.chip button{width:20px;height:20px;border-radius:6px;display:flex;align-items:center;justify-content:center;color:var(--mut2)}
.chip button:hover{background:var(--line)}
.chip .ic{width:14px;height:14px}
.bar{display:flex;align-items:flex-end;gap:6px}
.bar textarea{flex:1;min-width:0;resize:none;border:0;outline:none;background:transparent;max-height:120px;min-height:40px;padding:10px 6px;line-height:1.4}
.tool{flex:none;width:38px;height:38px;border-radius:10px;display:flex;align-items:center;justify-content:center;color:var(--mut2)}
.tool:hover{background:var(--soft);color:var(--fg)}
.send{background:var(--c);color:var(--on)}
.send:hover{background:var(--c);filter:brightness(.95);color:var(--on)}
.send:disabled{opacity:.45;cursor:default;filter:none}
.hint{font-size:11px;color:var(--mut2);text-align:center;margin:6px 0 0}
.err-inline{font-size:12.5px;color:var(--err);margin:0 4px 6px}
.prechat{padding:16px;border-top:1px solid var(--line);background:var(--bg)}
.prechat p{margin:0 0 10px;font-weight:600}
.prechat label{display:block;font-size:12.5px;color:var(--mut);margin:8px 0 4px;font-weight:600}
.prechat .field{width:100%}
.prechat .btn{width:100%;margin-top:12px;padding:11px}
@media (max-width:480px){
.panel{inset:0;right:0;bottom:0;width:100%;height:100%;border-radius:0;animation:none}
.root.open .launcher{display:none}
.bar textarea,.field{font-size:16px}
}
@media (prefers-reduced-motion:reduce){.panel,.dots i{animation:none}.launcher{transition:none}}
`;

// Feather-style line icons (MIT), inlined.
export const ICONS = {
  chat: '<svg viewBox="0 0 24 24"><path d="M21 11.5a8.4 8.4 0 0 1-.9 3.8 8.5 8.5 0 0 1-7.6 4.7 8.4 8.4 0 0 1-3.8-.9L3 21l1.9-5.7a8.4 8.4 0 0 1-.9-3.8 8.5 8.5 0 0 1 4.7-7.6 8.4 8.4 0 0 1 3.8-.9h.5a8.5 8.5 0 0 1 8 8v.5z"/></svg>',
  x: '<svg viewBox="0 0 24 24"><path d="M18 6 6 18M6 6l12 12"/></svg>',
  down: '<svg viewBox="0 0 24 24"><path d="m6 9 6 6 6-6"/></svg>',
  send: '<svg viewBox="0 0 24 24"><path d="M22 2 11 13M22 2l-7 20-4-9-9-4 20-7z"/></svg>',
  clip: '<svg viewBox="0 0 24 24"><path d="m21.4 11.1-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5"/></svg>',
  back: '<svg viewBox="0 0 24 24"><path d="m15 18-6-6 6-6"/></svg>',
  doc: '<svg viewBox="0 0 24 24"><path d="M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8z"/><path d="M14 2v6h6M16 13H8M16 17H8"/></svg>',
};
