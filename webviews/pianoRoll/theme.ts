// Colours from VS Code's theme variables (light, dark, high contrast), read once per theme change.

export interface Theme {
  background: string;
  foreground: string;
  muted: string;
  grid: string;
  barLine: string;
  whiteKey: string;
  blackKey: string;
  blackRow: string;
  noteA: string;
  noteB: string;
  noteBorder: string;
  pedal: string;
  tempoA: string;
  tempoB: string;
  playhead: string;
  mark: string;
  highContrast: boolean;
  font: string;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const v = style.getPropertyValue(name).trim();
  return v || fallback;
}

export function readTheme(): Theme {
  const s = getComputedStyle(document.body);
  const hc = document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light');
  const dark = document.body.classList.contains('vscode-dark') || document.body.classList.contains('vscode-high-contrast');
  const fg = cssVar(s, '--vscode-editor-foreground', dark ? '#d4d4d4' : '#333333');
  return {
    background: cssVar(s, '--vscode-editor-background', dark ? '#1e1e1e' : '#ffffff'),
    foreground: fg,
    muted: cssVar(s, '--vscode-descriptionForeground', dark ? '#9d9d9d' : '#717171'),
    grid: cssVar(s, '--vscode-editorIndentGuide-background1', dark ? '#404040' : '#d3d3d3'),
    barLine: cssVar(s, '--vscode-editorIndentGuide-activeBackground1', dark ? '#707070' : '#939393'),
    whiteKey: dark ? '#d8d8d8' : '#fafafa',
    blackKey: dark ? '#202020' : '#3a3a3a',
    blackRow: dark ? 'rgba(0,0,0,0.18)' : 'rgba(0,0,0,0.05)',
    noteA: cssVar(s, '--vscode-charts-blue', '#3794ff'),
    noteB: cssVar(s, '--vscode-charts-orange', '#d18616'),
    noteBorder: hc ? cssVar(s, '--vscode-contrastBorder', '#6fc3df') : 'transparent',
    pedal: cssVar(s, '--vscode-charts-green', '#89d185'),
    tempoA: cssVar(s, '--vscode-charts-blue', '#3794ff'),
    tempoB: cssVar(s, '--vscode-charts-orange', '#d18616'),
    playhead: cssVar(s, '--vscode-editorCursor-foreground', dark ? '#ffffff' : '#000000'),
    mark: cssVar(s, '--vscode-charts-purple', '#b180d7'),
    highContrast: hc,
    font: `11px ${cssVar(s, '--vscode-font-family', 'sans-serif')}`,
  };
}
