#!/usr/bin/env python3
"""A sale from a Python till: posterm's control API over its Unix socket.

    protoc -I node_modules/posterm/src/proto --python_out=. posterm/v1/control.proto
    python3 till_sale.py /run/posterm/control.sock 1234 order-381

Prints the result as one JSON line. Needs the protobuf package (pip install protobuf, or
Debian's python3-protobuf) and stubs from protoc 3.15 or later (proto3 `optional`).
"""
import json
import socket
import sys

from google.protobuf.internal.decoder import _DecodeVarint32
from google.protobuf.internal.encoder import _VarintBytes

from posterm.v1 import control_pb2 as pb


class Connection:
    """Length-delimited Envelopes (base-128 varint length, then the message) both ways."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.buf = bytearray()

    def send(self, env):
        data = env.SerializeToString()
        self.sock.sendall(_VarintBytes(len(data)) + data)

    def recv(self):
        while True:
            if self.buf:
                try:
                    size, at = _DecodeVarint32(bytes(self.buf[:10]), 0)
                    if len(self.buf) >= at + size:
                        env = pb.Envelope.FromString(bytes(self.buf[at:at + size]))
                        del self.buf[:at + size]
                        return env
                except IndexError:  # the length prefix is not complete yet
                    pass
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("posterm closed the connection")
            self.buf.extend(chunk)

    def close(self):
        self.sock.close()


def sale(path, amount_minor, till_id):
    c = Connection(path)
    try:
        hello = c.recv().hello  # the server speaks first
        if hello.api_major != 1:
            raise RuntimeError(f"posterm speaks API {hello.api_major}, this till 1")
        c.send(pb.Envelope(id=0, hello=pb.Hello(api_major=1, api_minor=0, software="till-py")))
        req = pb.SaleRequest(amount_minor=amount_minor, till_id=till_id)
        c.send(pb.Envelope(id=1, request=pb.Request(sale=req)))
        while True:
            env = c.recv()
            if env.id != 1:
                continue  # not ours (e.g. an event of another subscription)
            if env.WhichOneof("body") == "error":
                return {"error": env.error.code, "message": env.error.message}
            r = env.response.sale
            return {
                "outcome": pb.TxnOutcome.Name(r.outcome),
                "rrn": r.rrn,
                "masked_pan": r.masked_pan,
                "amount_minor": r.amount_minor,
                "text_en": r.text_en,
                "text_zh": r.text_zh,
            }
    finally:
        c.close()


if __name__ == "__main__":
    path, amount, till_id = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    print(json.dumps(sale(path, amount, till_id), ensure_ascii=False))
