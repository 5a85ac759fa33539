"""The normalizer: a small bar-level network that predicts, per bar of a rough MIDI, how far the bar's content
sits from its bar line (a displacement bin); the server turns that into "keep" or one anchored timing edit
per bar (server/normalize/editSpace.ts). Trained on features written by the TypeScript data builder
(scripts/make-normalizer-data.ts), exported to ONNX for the server. Kept apart from PerformanceNet's
trainer: its own config, data, model, loop and exporter, sharing only fsio and events."""

DATA_VERSION = "normalizer-data-v2"
MODEL_KIND = "normalizer"
