"""Synthesis from the words against the real server (offline planner), on a temp copy of lua/:
"temperature in Paris over the last 30 days" is a 30-point daily line of the mean temperature,
marked illustrative (the reply's flag and the note's pixels in the image's corner); gibberish
and greetings get not_a_chart_request with suggestions (over WebSocket and HTTP), each of which
draws, and the conversation goes on; the synthesis vocabulary (lua/synth/kinds.lua) hot-reloads
like the scripts: a kind added to the file names the categories of the next request, and a
broken save keeps the last good one."""
import base64
import json
import os
import shutil
import struct
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import Server, check, connect, eq, http, recv_json, run, script_home, until_final  # noqa: E402

KIND = """  { kind = "zorblax flavours", field = "zorblax", default = 3,
    says = { "zorblax|zorblaxe flavour|flavor|variety", "zorblax|zorblaxe" },
    values = { "Quantum Lime", "Nebula Grape", "Static Cherry", "Void Mint" } },
"""


def png_pixels(data):
    """RGBA rows of an 8-bit RGB/RGBA PNG (the formats chartd writes), all five filters."""
    check(data[:8] == b"\x89PNG\r\n\x1a\n", "PNG signature")
    pos, idat, width, height, channels = 8, b"", 0, 0, 4
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            check(depth == 8 and colour in (2, 6), f"8-bit RGB(A) PNG, got depth {depth} colour {colour}")
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride, rows, prev = zlib.decompress(idat), width * channels, [], bytearray(width * channels)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = prev[i], prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, channels, rows


def note_pixels(png):
    """Grey anti-aliased text pixels in the bottom-right corner, where the illustrative note sits."""
    width, height, channels, rows = png_pixels(png)
    n = 0
    for y in range(height - 20, height):
        for x in range(width - 120, width):
            r, g, b = rows[y][x * channels:x * channels + 3]
            n += r == g == b and r < 200
    return n


def req(rid, prompt, **extra):
    msg = {"type": "chart.request", "id": rid, "prompt": prompt, "width": 400, "height": 300}
    msg.update(extra)
    return json.dumps(msg)


async def chart(ws, rid, prompt, **extra):
    await ws.send(req(rid, prompt, **extra))
    _, msg = await until_final(ws, rid)
    eq(msg["type"], "chart", f"{prompt!r} answered with a chart ({msg.get('message')})")
    return msg


async def main():
    home = script_home("chartd-synth-")
    kinds = os.path.join(home, "lua", "synth", "kinds.lua")
    try:
        with Server(env={"CHARTD_HOME": home}, workers=2) as s:
            async with connect(s) as ws:
                eq((await recv_json(ws))["planner"], "offline", "the offline planner")

                paris = await chart(ws, "paris", "temperature in Paris over the last 30 days")
                spec = paris["spec"]
                enc = spec["encoding"]
                eq((spec["type"], enc["x"]["type"], enc["x"]["timeUnit"]), ("line", "temporal", "yearmonthdate"),
                   "a daily line")
                eq((enc["y"]["field"], enc["y"]["aggregate"]), ("temperature", "mean"), "the mean temperature")
                days = sorted({r[enc["x"]["field"]] for r in spec["data"]["values"]})
                eq(len(days), 30, "30 daily points")
                check(all(-10 <= r["temperature"] <= 30 for r in spec["data"]["values"]), "Paris temperatures")
                eq((paris["synthetic"], isinstance(paris["seed"], int)), (True, True), "marked synthetic, seeded")
                check(note_pixels(base64.b64decode(paris["data"])) > 20, "the illustrative-data note is drawn")

                # no chart for words that ask for none; the suggestions do draw
                suggestions = None
                for i, prompt in enumerate(("xyzzy plugh frobnicate", "hi", "what's the weather like?")):
                    await ws.send(req(f"junk{i}", prompt))
                    _, err = await until_final(ws, f"junk{i}")
                    eq((err["type"], err["code"], err["retryable"]), ("error", "not_a_chart_request", False),
                       f"{prompt!r} is not a chart request ({err.get('message')})")
                    check(prompt.split()[0] in err["message"], f"the message quotes the request: {err['message']}")
                    suggestions = err.get("suggestions")
                    check(isinstance(suggestions, list) and len(suggestions) >= 2
                          and all(isinstance(x, str) and x for x in suggestions), f"suggestions: {suggestions!r}")
                for i, prompt in enumerate(suggestions):
                    await chart(ws, f"suggested{i}", prompt)
                status, _, body = http(s.base + "/v1/charts", {"prompt": "xyzzy plugh frobnicate"},
                                       headers={"Content-Type": "application/json", "Accept": "application/json"})
                reply = json.loads(body)
                eq((status, reply.get("code")), (422, "not_a_chart_request"), f"over HTTP: {reply}")
                eq(reply.get("suggestions"), suggestions, "the same suggestions over HTTP")

                # the vocabulary reloads like everything else
                before = await chart(ws, "before", "top 3 zorblax flavours by sales")
                check("Quantum Lime" not in json.dumps(before["spec"]["data"]), "no zorblax kind yet")
                await ws.send(json.dumps({"type": "subscribe", "events": ["reload"]}))
                eq((await recv_json(ws))["type"], "subscribed", "subscribed to reloads")
                with open(kinds, encoding="utf-8") as f:
                    original = f.read()
                at = original.rindex("}")  # the closing brace of the list
                with open(kinds, "w", encoding="utf-8") as f:
                    f.write(original[:at] + KIND + original[at:])
                msg = await recv_json(ws, 20)
                eq((msg["type"], msg["ok"], msg["changed"]), ("reload", True, ["lua/synth/kinds.lua"]),
                   f"kinds.lua reloads ({msg.get('error')})")
                after = await chart(ws, "after", "top 3 zorblax flavours by sales")
                x = after["spec"]["encoding"]["x"]
                eq(x["field"], "zorblax", "the new kind names the categories")
                eq([r["zorblax"] for r in after["spec"]["data"]["values"]],
                   ["Quantum Lime", "Nebula Grape", "Static Cherry"], "its first 3 values")

                with open(kinds, "w", encoding="utf-8") as f:
                    f.write(original[:at] + KIND.replace("values =", "values") + original[at:])
                msg = await recv_json(ws, 20)
                eq((msg["type"], msg["ok"]), ("reload", False), "a broken kinds.lua does not go live")
                check(msg["error"].startswith("lua/synth/kinds.lua:"), f"the error names the file: {msg['error']}")
                still = await chart(ws, "still", "top 3 zorblax flavours by sales")
                eq(still["spec"]["data"], after["spec"]["data"], "the last good vocabulary still serves")
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    run(main)
