"""Writes a TensorBoard event file with known scalars, independently of Rubato's TypeScript code, and prints
the rows a reader must get (JSON). Used by test/unit/metrics/tfeventsPython.test.ts.

Usage: python3 write_tfevents.py OUT_FILE

Encoding: Google's protobuf library (python3-protobuf) when it is importable, with the Event, Summary,
SummaryMetadata, TensorProto and TensorShapeProto messages declared from tensorflow's .proto field numbers;
otherwise a hand-written encoder below. Framing: TFRecord with a bitwise CRC-32C written here (checked
against the `crc32c` package when that is installed). No TensorBoard or TensorFlow is needed.
"""
import json
import math
import struct
import sys


def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def masked(data: bytes) -> int:
    c = crc32c(data)
    return ((((c >> 15) | (c << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


try:
    import crc32c as _lib  # type: ignore

    assert _lib.crc32c(b"123456789") == crc32c(b"123456789")
    CRC_CHECK = "crc32c package agrees"
except ImportError:
    CRC_CHECK = "bitwise CRC-32C only"
assert crc32c(b"123456789") == 0xE3069283


def record(data: bytes) -> bytes:
    header = struct.pack("<Q", len(data))
    return header + struct.pack("<I", masked(header)) + data + struct.pack("<I", masked(data))


# Events as plain data: (wall_time, step, [values]); a value is (tag, kind, payload, plugin).
DT_FLOAT, DT_DOUBLE, DT_STRING, DT_INT64, DT_HALF = 1, 2, 7, 9, 19
EVENTS = [
    (1710000000.5, 0, [("train/loss", "simple", 4.125, None)]),
    (1710000001.25, 10, [("train/loss", "simple", 3.3, None), ("lr", "simple", 6e-4, None)]),
    (1710000002.0, 20, [("val/loss", "tensor", (DT_FLOAT, [], [2.71828]), "scalars")]),
    (1710000003.0, 30, [("val/loss", "tensor", (DT_FLOAT, [], [2.5]), None)]),
    (1710000004.0, 40, [("precise", "tensor", (DT_DOUBLE, [], [1.0 / 3.0]), "scalars")]),
    (1710000005.0, 50, [("half", "tensor", (DT_HALF, [], [0x3555]), "scalars"), ("count", "tensor", (DT_INT64, [1], [-7]), "scalars")]),
    (1710000006.0, 3_000_000_000, [("train/loss", "simple", float("nan"), None), ("gn", "simple", float("-inf"), None)]),
    (1710000007.0, 70, [("notes", "tensor", (DT_STRING, [], [b"hello"]), "text")]),
    (1710000008.0, 80, [("hist", "tensor", (DT_DOUBLE, [3], [1.0, 2.0, 3.0]), "histograms"), ("train/loss", "simple", 1.0, None)]),
]


def f32(x: float) -> float:
    return struct.unpack("<f", struct.pack("<f", x))[0]


def half(bits: int) -> float:
    return struct.unpack("<e", struct.pack("<H", bits))[0]


def expected_rows():
    rows = []
    for wall, step, values in EVENTS:
        out = {}
        for tag, kind, payload, plugin in values:
            if kind == "simple":
                v = f32(payload)
            else:
                dtype, shape, vals = payload
                if plugin not in (None, "scalars") or math.prod(shape) != 1:
                    continue
                v = {DT_FLOAT: f32, DT_DOUBLE: float, DT_HALF: half, DT_INT64: float}[dtype](vals[0])
            out[tag] = v if math.isfinite(v) else None
        if out:
            rows.append({"step": step, "wallTime": wall, "values": out})
    return rows


def with_protobuf():
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

    F = descriptor_pb2.FieldDescriptorProto
    fdp = descriptor_pb2.FileDescriptorProto(name="rubato_tfevents_test.proto", package="rubatotest", syntax="proto3")

    def msg(name, fields, parent=None):
        m = (parent.nested_type if parent else fdp.message_type).add(name=name)
        for fname, number, ftype, label, type_name in fields:
            f = m.field.add(name=fname, number=number, type=ftype, label=label)
            if type_name:
                f.type_name = type_name
        return m

    OPT, REP = F.LABEL_OPTIONAL, F.LABEL_REPEATED
    shape = msg("TensorShapeProto", [("dim", 1, F.TYPE_MESSAGE, REP, ".rubatotest.TensorShapeProto.Dim"), ("unknown_rank", 3, F.TYPE_BOOL, OPT, None)])
    msg("Dim", [("size", 1, F.TYPE_INT64, OPT, None), ("name", 2, F.TYPE_STRING, OPT, None)], shape)
    msg("TensorProto", [
        ("dtype", 1, F.TYPE_INT32, OPT, None), ("tensor_shape", 2, F.TYPE_MESSAGE, OPT, ".rubatotest.TensorShapeProto"),
        ("tensor_content", 4, F.TYPE_BYTES, OPT, None), ("float_val", 5, F.TYPE_FLOAT, REP, None), ("double_val", 6, F.TYPE_DOUBLE, REP, None),
        ("string_val", 8, F.TYPE_BYTES, REP, None), ("int64_val", 10, F.TYPE_INT64, REP, None), ("half_val", 13, F.TYPE_INT32, REP, None),
    ])
    meta = msg("SummaryMetadata", [("plugin_data", 1, F.TYPE_MESSAGE, OPT, ".rubatotest.SummaryMetadata.PluginData"), ("data_class", 4, F.TYPE_INT32, OPT, None)])
    msg("PluginData", [("plugin_name", 1, F.TYPE_STRING, OPT, None), ("content", 2, F.TYPE_BYTES, OPT, None)], meta)
    summary = msg("Summary", [("value", 1, F.TYPE_MESSAGE, REP, ".rubatotest.Summary.Value")])
    msg("Value", [
        ("tag", 1, F.TYPE_STRING, OPT, None), ("simple_value", 2, F.TYPE_FLOAT, OPT, None), ("tensor", 8, F.TYPE_MESSAGE, OPT, ".rubatotest.TensorProto"),
        ("metadata", 9, F.TYPE_MESSAGE, OPT, ".rubatotest.SummaryMetadata"), ("node_name", 7, F.TYPE_STRING, OPT, None),
    ], summary)
    msg("Event", [("wall_time", 1, F.TYPE_DOUBLE, OPT, None), ("step", 2, F.TYPE_INT64, OPT, None), ("file_version", 3, F.TYPE_STRING, OPT, None), ("summary", 5, F.TYPE_MESSAGE, OPT, ".rubatotest.Summary")])
    # proto3 scalars have no presence: simple_value 0.0 would not be written; our values are all non-zero
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    get = getattr(message_factory, "GetMessageClass", None)
    factory = None if get else message_factory.MessageFactory(pool)
    Event = (get or factory.GetPrototype)(pool.FindMessageTypeByName("rubatotest.Event"))

    def encode(wall, step, values, file_version=None):
        e = Event(wall_time=wall)
        if step:
            e.step = step
        if file_version:
            e.file_version = file_version
        for tag, kind, payload, plugin in values:
            v = e.summary.value.add(tag=tag)
            if kind == "simple":
                v.simple_value = payload
                continue
            dtype, shape, vals = payload
            v.tensor.dtype = dtype
            for size in shape:
                v.tensor.tensor_shape.dim.add(size=size)
            field = {DT_FLOAT: "float_val", DT_DOUBLE: "double_val", DT_STRING: "string_val", DT_INT64: "int64_val", DT_HALF: "half_val"}[dtype]
            getattr(v.tensor, field).extend(vals)
            if plugin:
                v.metadata.plugin_data.plugin_name = plugin
                if plugin == "scalars":
                    v.metadata.data_class = 1
        return e.SerializeToString()

    return encode, "google.protobuf " + __import__("google.protobuf").protobuf.__version__


def by_hand():
    def varint(n):
        n &= (1 << 64) - 1
        out = bytearray()
        while True:
            b = n & 0x7F
            n >>= 7
            out.append(b | (0x80 if n else 0))
            if not n:
                return bytes(out)

    def key(field, wire):
        return varint(field << 3 | wire)

    def ld(field, body):
        return key(field, 2) + varint(len(body)) + body

    def encode(wall, step, values, file_version=None):
        out = key(1, 1) + struct.pack("<d", wall)
        if step:
            out += key(2, 0) + varint(step)
        if file_version:
            out += ld(3, file_version.encode())
        summary = b""
        for tag, kind, payload, plugin in values:
            v = ld(1, tag.encode())
            if kind == "simple":
                v += key(2, 5) + struct.pack("<f", payload)
            else:
                dtype, shape, vals = payload
                t = key(1, 0) + varint(dtype) + ld(2, b"".join(ld(1, key(1, 0) + varint(s)) for s in shape))
                if dtype == DT_FLOAT:
                    t += ld(5, b"".join(struct.pack("<f", x) for x in vals))
                elif dtype == DT_DOUBLE:
                    t += ld(6, b"".join(struct.pack("<d", x) for x in vals))
                elif dtype == DT_STRING:
                    t += b"".join(ld(8, x) for x in vals)
                elif dtype == DT_INT64:
                    t += ld(10, b"".join(varint(x) for x in vals))
                else:
                    t += ld(13, b"".join(varint(x) for x in vals))
                v += ld(8, t)
                if plugin:
                    v += ld(9, ld(1, ld(1, plugin.encode())) + (key(4, 0) + varint(1) if plugin == "scalars" else b""))
            summary += ld(1, v)
        return out + (ld(5, summary) if summary else b"")

    return encode, "hand-written encoder"


def main():
    try:
        encode, how = with_protobuf()
    except ImportError:
        encode, how = by_hand()
    data = record(encode(1710000000.0, 0, [], "brain.Event:2"))
    for wall, step, values in EVENTS:
        data += record(encode(wall, step, values))
    with open(sys.argv[1], "wb") as f:
        f.write(data)
    json.dump({"encoder": how, "crc": CRC_CHECK, "rows": expected_rows()}, sys.stdout)


if __name__ == "__main__":
    main()
