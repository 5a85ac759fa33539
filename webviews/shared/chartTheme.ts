// Chart colours from VS Code's theme variables, so light, dark and high-contrast themes all read well.
// Shared by the uPlot webviews (loss curves, eval viewer); the piano roll reads its own palette (pianoRoll/theme.ts).

export interface ChartTheme {
  foreground: string;
  grid: string;
  font: string;
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v === '' ? fallback : v;
}

export function chartTheme(): ChartTheme {
  const fg = cssVar('--vscode-foreground', cssVar('--vscode-editor-foreground', '#444'));
  const highContrast = document.body.classList.contains('vscode-high-contrast');
  return {
    foreground: fg,
    // High contrast: solid contrast borders; otherwise a faint grid that never competes with the lines.
    grid: highContrast ? cssVar('--vscode-contrastBorder', fg) : cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.25)'),
    font: `11px ${cssVar('--vscode-font-family', 'sans-serif')}`,
  };
}

/** Calls `onChange` when VS Code switches theme (it swaps classes on <body>). */
export function watchTheme(onChange: () => void): void {
  new MutationObserver(onChange).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
