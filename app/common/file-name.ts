// File names made from user text (exhibit ids, receipt and report names): Unicode kept (NFC, so the same name
// typed on macOS and Linux is the same file), only what is unsafe on Windows, macOS or Linux replaced — control
// characters, < > : " / \ | ? *, trailing dots and spaces, reserved device names (CON, NUL, COM1 …). When
// anything was replaced, a stable suffix of the original name's hash keeps two names that differ only in
// replaced characters apart (`a:b` and `a?b` must not both become `a_b`).
// eslint-disable-next-line no-control-regex -- control characters are exactly what is unsafe
const UNSAFE = /[\u0000-\u001f\u007f<>:"/\\|?*]/gu;
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/iu;

/** 32-bit FNV-1a of the UTF-8 bytes, 8 hex digits: stable across runs and platforms (not for security). */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(text)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** `name` as a portable file name; a name that had to change gets `~<hash>` before its extension. */
export function safeFileName(name: string): string {
  const nfc = name.normalize('NFC');
  let safe = nfc.replace(UNSAFE, '_').replace(/[. ]+$/u, (m) => '_'.repeat(m.length));
  if (RESERVED.test(safe)) safe = `_${safe}`;
  if (safe === nfc) return safe;
  const dot = safe.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [safe.slice(0, dot), safe.slice(dot)] : [safe, ''];
  return `${stem}~${fnv1a(nfc)}${ext}`;
}
