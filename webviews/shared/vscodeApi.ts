// The webview's handle on VS Code (postMessage / getState / setState), typed once.

export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** acquireVsCodeApi may be called only once per page. */
export function vscodeApi(): VsCodeApi {
  return acquireVsCodeApi();
}
