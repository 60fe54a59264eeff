"""OPENAI_API_KEY validation at start, `chartd check --llm` against the fake OpenAI server,
and the planner name in hello."""
import asyncio
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import BIN, ROOT, Server, connect, eq, check, recv_json, run  # noqa: E402
from fake_openai import FakeOpenAI  # noqa: E402


def chartd(args, env):
    full = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "LLM_"))}
    full.update({"CHARTD_HOME": ROOT})
    full.update(env)
    p = subprocess.run([BIN] + args, env=full, cwd=tempfile.mkdtemp(), capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


async def main():
    fake = FakeOpenAI()
    key = "sk-test-e2e-1234"
    env = {"OPENAI_API_KEY": key, "LLM_BASE_URL": fake.base_url, "LLM_MODEL": "gpt-4o-mini"}

    # A key with a line break is refused at start, without printing it.
    rc, out, err = chartd(["check"], dict(env, OPENAI_API_KEY="sk-abc\n"))
    eq(rc, 2, "exit code for a key with whitespace")
    eq(err.strip(), "chartd: OPENAI_API_KEY contains whitespace at character 7; allowed a key without spaces "
       "or line breaks", "error line")
    check("sk-abc" not in out + err, "the key is not printed")

    # LLM_MODEL set but empty is a mistake, not a request for the default: start-up stops.
    rc, out, err = chartd(["check"], dict(env, LLM_MODEL=""))
    eq(rc, 2, "exit code for an empty LLM_MODEL")
    eq(err.strip(), "chartd: LLM_MODEL is set but empty; allowed a model name such as gpt-4o-mini (or leave it "
       "unset for the default)", "error line")

    # check --llm: one GET models/<model> with the key as Bearer.
    fake.script([{"status": 200, "body": {"id": "gpt-4o-mini", "object": "model"}}])
    rc, out, err = chartd(["check", "--llm"], env)
    eq(rc, 0, f"check --llm exit code ({err})")
    check(out.strip().endswith(f"chartd: LLM OK: {fake.base_url} answers for model gpt-4o-mini"), out)
    reqs = fake.requests()
    eq(len(reqs), 1, "one cheap call")
    eq((reqs[0]["method"], reqs[0]["path"]), ("GET", "/v1/models/gpt-4o-mini"), "check call")
    eq(reqs[0]["headers"].get("authorization"), "Bearer " + key, "key sent as Bearer")

    fake.state.requests.clear()
    fake.script([{"status": 401, "body": {"error": {"message": "Incorrect API key provided: sk-te**34.",
                                                     "code": "invalid_api_key"}}}])
    rc, out, err = chartd(["check", "--llm"], env)
    eq(rc, 1, "check --llm exit code on 401")
    eq(err.strip(), "chartd: llm_auth: the LLM rejected the API key (HTTP 401: Incorrect API key provided: sk-***.)",
       "401 report")
    check(key not in out + err, "the key is not printed")

    rc, out, err = chartd(["check", "--llm"], {"LLM_PROVIDER": "offline"})
    eq(rc, 1, "check --llm with the offline planner")

    # The served planner name, and the key never reaches the log.
    with Server(env=env) as srv:
        async with connect(srv) as ws:
            hello = await recv_json(ws)
            eq(hello["planner"], "openai", "hello.planner")
        check(key not in srv.logs(), "the key is not in the log")
    fake.close()


run(main)
