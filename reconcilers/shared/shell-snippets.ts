// Shell functions that step commands include verbatim. Trusted text: no value is interpolated.

/**
 * `replace_file TARGET MODE [OWNER:GROUP] < content`: writes a temp file beside TARGET, sets mode
 * and owner, then renames it over TARGET so readers see the old or the new file, never half of
 * one. Where TARGET is a bind mount (containers) rename fails, and it falls back to rewriting in
 * place.
 */
export const replaceFileFunction = [
  'replace_file() {',
  '  t=$(mktemp "$(dirname "$1")/.bramble.XXXXXX") || return 1',
  '  if cat > "$t" && chmod "$2" "$t" && { [ -z "$3" ] || chown -h "$3" "$t"; }; then',
  '    mv -f "$t" "$1" 2>/dev/null || { cat "$t" > "$1" && rm -f "$t"; }',
  '  else',
  '    rm -f "$t"; return 1',
  '  fi',
  '}',
].join('\n');

/** `fail MESSAGE`: the message is what a condition will show, so it says what is wrong. */
export const failFunction = `fail() { printf '%s\\n' "$1" >&2; exit 1; }`;
