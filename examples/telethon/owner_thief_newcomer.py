#!/usr/bin/env python3
"""A stolen session, "terminate all other sessions", and a denied login,
played by stock Telethon against `sessionlab serve`.

Start the server first (see README, "Talk to it with a real client"):

    sessionlab serve --listen 127.0.0.1:4430 --accounts 1 --devices phone,desktop \
        --sessions-out sessions.jsonl --rsa-key-out server.pem --login-code 12345

then run this script with the same files:

    python examples/telethon/owner_thief_newcomer.py --sessions sessions.jsonl \
        --rsa-key server.pem --login-code 12345

What happens, each step printed as one JSON line:
  1. the owner's phone connects from its session_string and lists the
     account's authorizations: it sees the desktop;
  2. a thief, in a second process, connects with a copy of the desktop's
     session_string and lists them too;
  3. the phone terminates every other session (auth.resetAuthorizations);
  4. the thief's next call fails with AuthKeyUnregisteredError or
     SessionRevokedError;
  5. a newcomer with an empty session makes a key (the DH exchange against
     the server's RSA key), signs in with the code, and shows up unconfirmed
     in the phone's list; the phone denies it (account.resetAuthorization)
     and the newcomer's next call fails the same way;
  6. the phone logs out (auth.logOut) and gets auth.loggedOut with its
     future_auth_token (the answer, never an ack taken for it).
The script exits 0 when every step went as described, 1 otherwise.
"""

import argparse
import asyncio
import json
import subprocess
import sys

from telethon import TelegramClient, errors, functions, types
from telethon.crypto import rsa as telethon_rsa
from telethon.sessions import StringSession

API_ID = 4
API_HASH = "014b35b6184100b085b0d0572f9b5103"
# The 401s a revoked key is answered with.
LOGGED_OUT = (errors.AuthKeyUnregisteredError, errors.SessionRevokedError)


def say(step, **fields):
    print(json.dumps({"step": step, **fields}), flush=True)


def client_for(session):
    return TelegramClient(
        session,
        API_ID,
        API_HASH,
        connection_retries=1,
        retry_delay=1,
        timeout=10,
        auto_reconnect=False,
        receive_updates=False,
    )


async def list_authorizations(client):
    result = await client(functions.account.GetAuthorizationsRequest())
    return [
        {
            "hash": entry.hash,
            "device_model": entry.device_model,
            "current": entry.current,
            "unconfirmed": entry.unconfirmed,
        }
        for entry in result.authorizations
    ]


async def logged_out(client):
    """Whether the client's next call is refused as logged out (and with what)."""
    try:
        await client(functions.users.GetUsersRequest([types.InputUserSelf()]))
    except LOGGED_OUT as error:
        return type(error).__name__
    return None


async def thief(session_string):
    """The second process: list, wait for the owner's move, try again."""
    client = client_for(StringSession(session_string))
    await client.connect()
    listed = await list_authorizations(client)
    say("thief_lists", devices=[entry["device_model"] for entry in listed])
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    refused = await logged_out(client)
    say("thief_after_reset", refused_with=refused)
    await client.disconnect()
    return 0 if refused else 1


async def owner(arguments, sessions):
    phone_line = next(line for line in sessions if line["device"] == "phone")
    desktop_line = next(line for line in sessions if line["device"] == "desktop")
    ok = True

    phone = client_for(StringSession(phone_line["session_string"]))
    await phone.connect()
    listed = await list_authorizations(phone)
    devices = [entry["device_model"] for entry in listed]
    say("phone_lists", devices=devices)
    ok &= len(listed) == 2 and any(not entry["current"] for entry in listed)

    stolen = subprocess.Popen(
        [sys.executable, __file__, "--as-thief", desktop_line["session_string"], "--rsa-key", arguments.rsa_key],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    thief_listed = json.loads(stolen.stdout.readline() or "{}")
    print(json.dumps(thief_listed), flush=True)
    ok &= sorted(thief_listed.get("devices", [])) == sorted(devices)

    reset = await phone(functions.auth.ResetAuthorizationsRequest())
    say("phone_resets_all_others", answered=bool(reset))
    ok &= bool(reset)
    stolen.stdin.write("go\n")
    stolen.stdin.flush()
    thief_after = json.loads(stolen.stdout.readline() or "{}")
    print(json.dumps(thief_after), flush=True)
    ok &= stolen.wait(timeout=30) == 0

    newcomer = client_for(StringSession())
    newcomer.session.set_dc(phone_line["dc"], arguments.host, arguments.port + phone_line["dc"] - 1)
    await newcomer.connect()
    # The key id as serve's log prints it.
    say("newcomer_made_a_key", auth_key_id=format(newcomer.session.auth_key.key_id, "016x"))
    await newcomer.send_code_request(phone_line["phone"])
    user = await newcomer.sign_in(phone_line["phone"], arguments.login_code)
    say("newcomer_signed_in", user_id=user.id)
    ok &= user.id == phone_line["user_id"]

    listed = await list_authorizations(phone)
    unconfirmed = [entry for entry in listed if entry["unconfirmed"]]
    say("phone_sees_unconfirmed", devices=[entry["device_model"] for entry in unconfirmed])
    ok &= len(unconfirmed) == 1
    if unconfirmed:
        denied = await phone(functions.account.ResetAuthorizationRequest(hash=unconfirmed[0]["hash"]))
        say("phone_denies_newcomer", answered=bool(denied))
        ok &= bool(denied)
    refused = await logged_out(newcomer)
    say("newcomer_after_denial", refused_with=refused)
    ok &= refused is not None

    listed = await list_authorizations(phone)
    say("phone_lists_at_the_end", devices=[entry["device_model"] for entry in listed])
    ok &= len(listed) == 1

    answer = await phone(functions.auth.LogOutRequest())
    token = getattr(answer, "future_auth_token", None) or b""
    say("phone_logs_out", answer=type(answer).__name__, future_auth_token_bytes=len(token))
    ok &= isinstance(answer, types.auth.LoggedOut) and len(token) > 0
    await newcomer.disconnect()
    await phone.disconnect()
    say("done", ok=ok)
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", help="the --sessions-out file of sessionlab serve")
    parser.add_argument("--rsa-key", required=True, help="the --rsa-key-out file of sessionlab serve")
    parser.add_argument("--login-code", default="12345", help="the --login-code of sessionlab serve")
    parser.add_argument("--host", default="127.0.0.1", help="where DC 1 listens")
    parser.add_argument("--port", type=int, default=4430, help="DC 1's port (DC i on PORT + i - 1)")
    parser.add_argument("--as-thief", metavar="SESSION_STRING", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    with open(arguments.rsa_key) as pem:
        telethon_rsa.add_key(pem.read(), old=False)
    if arguments.as_thief:
        return asyncio.run(thief(arguments.as_thief))
    if not arguments.sessions:
        parser.error("--sessions is required")
    with open(arguments.sessions) as lines:
        sessions = [json.loads(line) for line in lines if line.strip()]
    return asyncio.run(owner(arguments, sessions))


if __name__ == "__main__":
    sys.exit(main())
