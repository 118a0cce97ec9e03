#!/usr/bin/env python3
"""Read a settlement report written by `posterm report settlement --format protobuf`.

    protoc -I node_modules/posterm/src/proto --python_out=. posterm/v1/report.proto
    python3 read_report.py report.pb

The file is a stream of ReportRecord messages, each preceded by its length as a varint. Prints
one JSON line: the transactions (rrn, amount, status, delay) and the count the end record gives.
"""
import json
import sys

from google.protobuf.internal.decoder import _DecodeVarint32

from posterm.v1 import report_pb2


def records(data):
    pos = 0
    while pos < len(data):
        size, pos = _DecodeVarint32(data, pos)
        rec = report_pb2.ReportRecord()
        rec.ParseFromString(data[pos:pos + size])
        pos += size
        yield rec


def main(path):
    with open(path, "rb") as f:
        data = f.read()
    out = {"transactions": [], "end": None}
    for rec in records(data):
        kind = rec.WhichOneof("record")
        if kind == "header":
            out["as_of"] = rec.header.as_of
        elif kind == "transaction":
            t = rec.transaction
            out["transactions"].append({
                "rrn": t.rrn,
                "amount_minor": t.amount_minor,
                "status": report_pb2.ReportStatus.Name(t.status),
                "delay_ms": t.delay_ms if t.HasField("delay_ms") else None,
            })
        elif kind == "end":
            out["end"] = rec.end.transactions
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])
