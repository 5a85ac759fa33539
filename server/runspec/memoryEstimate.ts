// An analytic estimate of PerformanceNet's training memory for a run spec (native/rubato_native/model.py), shown on
// hover and compared with the GPU's memory. It is a planning figure; `rubato tune` measures the real peak.
//
// Parameters (d = d_model, f = d·ff_mult, L = n_layers, F = 22 features, S = 5 styles, K = 6 targets):
//   in_proj F·d + d, style_proj S·d + d, final LayerNorm 2d, head d·2K + 2K, and per encoder layer
//   attention in-proj 3d² + 3d, out-proj d² + d, feed-forward d·f + f + f·d + d, two LayerNorms 4d
//   = 4d² + 2df + 9d + f.
// Static memory: fp32 weights 4P bytes, fp32 gradients 4P, AdamW exp_avg and exp_avg_sq 8P (bf16/fp16 is autocast:
// weights and optimizer state stay fp32).
// Activations kept for backward, N = micro_batch × window tokens, h = n_heads, a = activation width (2 bytes under
// bf16/fp16 autocast, 4 under fp32), per layer (math attention, as torch 1.13 and CPUs run it):
//   N·(8d + 2f)·a   LN1 in/out, q, k, v, attention context, LN2 in/out, feed-forward hidden pre/post activation
//   N·(2d + f)·1    dropout masks (only when dropout > 0)
//   B·h·T²·4        softmax probabilities (softmax runs in fp32 under autocast)
//   B·h·T²·(4 + 1)  dropped-out probabilities and their mask (only when dropout > 0)
//   B·h·T²·2        the half-precision copy the value matmul reads (only under bf16/fp16)
// plus, once, N·(2d + F + 2K)·4 for the inputs, the embedding and the head. Gradient checkpointing keeps only each
// layer's input (N·d·4 per layer) and rebuilds one layer at a time in backward, so that is L·N·d·4 + one layer.
// Not counted: the CUDA context and allocator slack (a few hundred MiB), temporaries of the backward pass, and the
// memory-efficient attention kernels of torch 2.x that avoid the T² terms (the estimate is then an upper bound).

export const N_FEATURES = 22;
export const N_STYLE = 5;
export const N_TARGETS = 6;

export interface ModelSize {
  dModel: number;
  nLayers: number;
  nHeads: number;
  ffMult: number;
}

export interface MemoryInput extends ModelSize {
  dropout: number;
  microBatch: number;
  /** Notes per window: the sequence length T. */
  window: number;
  precision: 'auto' | 'fp32' | 'bf16' | 'fp16';
  device: 'auto' | 'cpu' | 'cuda';
  gradCheckpointing: boolean;
}

export interface MemoryEstimate {
  parameters: number;
  weightsBytes: number;
  gradientsBytes: number;
  optimizerBytes: number;
  activationsBytes: number;
  totalBytes: number;
  /** Bytes per activation element: 2 under bf16/fp16 autocast, 4 under fp32. */
  activationWidthBytes: number;
  /** How `auto` was read, and anything else the figure assumes. */
  assumptions: string[];
}

export function countParameters(m: ModelSize): number {
  const d = m.dModel;
  const f = d * m.ffMult;
  const perLayer = 4 * d * d + 2 * d * f + 9 * d + f;
  return (N_FEATURES + 1) * d + (N_STYLE + 1) * d + m.nLayers * perLayer + 2 * d + d * 2 * N_TARGETS + 2 * N_TARGETS;
}

export function estimateMemory(x: MemoryInput): MemoryEstimate {
  const assumptions: string[] = [];
  const mixed = x.precision === 'bf16' || x.precision === 'fp16' || (x.precision === 'auto' && x.device !== 'cpu');
  if (x.precision === 'auto') {
    assumptions.push(x.device === 'cpu' ? 'precision auto on the CPU: fp32 (most CPUs have no native bf16)' : 'precision auto on a GPU: bf16 or fp16 autocast');
  }
  if (x.device === 'cpu' && x.precision === 'fp16') assumptions.push('fp16 on the CPU runs as fp32');
  const width = mixed && !(x.device === 'cpu' && x.precision === 'fp16') ? 2 : 4;
  const d = x.dModel;
  const f = d * x.ffMult;
  const tokens = x.microBatch * x.window;
  const scores = x.microBatch * x.nHeads * x.window * x.window;
  const hasDropout = x.dropout > 0;
  const layerBytes =
    tokens * (8 * d + 2 * f) * width +
    (hasDropout ? tokens * (2 * d + f) : 0) +
    scores * 4 +
    (hasDropout ? scores * 5 : 0) +
    (width === 2 ? scores * 2 : 0);
  const outsideBytes = tokens * (2 * d + N_FEATURES + 2 * N_TARGETS) * 4;
  const layersBytes = x.gradCheckpointing ? x.nLayers * tokens * d * 4 + layerBytes : x.nLayers * layerBytes;
  if (x.gradCheckpointing) assumptions.push('gradient checkpointing: layer inputs kept, one layer rebuilt at a time');
  const parameters = countParameters(x);
  const weightsBytes = 4 * parameters;
  const gradientsBytes = 4 * parameters;
  const optimizerBytes = 8 * parameters;
  const activationsBytes = layersBytes + outsideBytes;
  return {
    parameters,
    weightsBytes,
    gradientsBytes,
    optimizerBytes,
    activationsBytes,
    totalBytes: weightsBytes + gradientsBytes + optimizerBytes + activationsBytes,
    activationWidthBytes: width,
    assumptions,
  };
}

export const GIB = 1024 ** 3;

export function formatBytes(bytes: number): string {
  if (bytes >= GIB) return `${(bytes / GIB).toFixed(2)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Markdown for hovers: the figures and what they assume. */
export function estimateMarkdown(e: MemoryEstimate, x: MemoryInput, gpuMemoryGiB: number): string {
  const rows = [
    `| parameters | ${e.parameters.toLocaleString('en-US')} |`,
    `| weights (fp32) | ${formatBytes(e.weightsBytes)} |`,
    `| gradients (fp32) | ${formatBytes(e.gradientsBytes)} |`,
    `| AdamW state (2×) | ${formatBytes(e.optimizerBytes)} |`,
    `| activations (${x.microBatch} × ${x.window} notes, ${e.activationWidthBytes}-byte) | ${formatBytes(e.activationsBytes)} |`,
    `| **total** | **${formatBytes(e.totalBytes)}** |`,
  ];
  const fits = x.device === 'cpu' ? '' : `\n\n${e.totalBytes > gpuMemoryGiB * GIB ? '⚠ exceeds' : 'fits'} the GPU's ${gpuMemoryGiB} GiB (\`rubato.gpuMemoryGiB\`).`;
  const notes = e.assumptions.length ? `\n\n${e.assumptions.map((a) => `- ${a}`).join('\n')}` : '';
  return `**Estimated training memory**\n\n| | |\n|---|---:|\n${rows.join('\n')}${fits}${notes}\n\nAn estimate (CUDA context not included); \`Tune batch size\` measures the real peak.`;
}
