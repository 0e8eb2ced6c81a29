"""``passerelle run`` as people start it: only environment variables, both platforms in one process."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.bot.fake_slack import FakeSlack
from tests.bot.fake_telegram import FakeTelegram, message_update

TELEGRAM_TOKEN = "123456789:AAF-fake_token_for_passerelle_tests_0123"
SLACK_BOT_TOKEN = "xoxb-1000000001-2000000002-passerelleRUN"
SLACK_APP_TOKEN = "xapp-1-A0PASSERELLE-3000000003-abcdef"
QUESTION = "banque alimentaire jonquiere"


def slash_command(fake: FakeSlack) -> dict[str, str]:
    """A ``/qui`` typed in a Slack channel."""
    return {
        "token": "legacy", "team_id": "T0RESEAU", "team_domain": "reseau", "channel_id": "C0ENTRAIDE",
        "channel_name": "entraide", "user_id": "U0MARIE", "user_name": "marie", "command": "/qui",
        "text": QUESTION, "api_app_id": "A0PASSERELLE", "response_url": fake.response_url("C0ENTRAIDE"),
        "trigger_id": "1.2.3",
    }


async def test_run_answers_on_telegram_and_slack_from_the_environment_alone(tmp_path: Path) -> None:
    slack = FakeSlack()
    await slack.start()
    try:
        async with FakeTelegram(TELEGRAM_TOKEN) as telegram:
            env = {
                "PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path),
                "PASSERELLE_DATABASE_URL": f"sqlite:///{tmp_path}/passerelle.db",
                "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_API_URL": telegram.url,
                "SLACK_BOT_TOKEN": SLACK_BOT_TOKEN, "SLACK_APP_TOKEN": SLACK_APP_TOKEN,
                "SLACK_API_URL": slack.api_url,
            }
            process = await asyncio.create_subprocess_exec(
                str(Path(sys.executable).parent / "passerelle"), "run", cwd=tmp_path, env=env,
                stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            )
            try:
                telegram.push(message_update(f"/qui {QUESTION}"))
                [answer] = await telegram.wait_for("sendMessage", timeout=30)
                assert answer.params["parse_mode"] == "HTML" and "dépannage alimentaire" in answer.params["text"]
                envelope = await slack.send_envelope("slash_commands", slash_command(slack))
                await slack.wait_ack(envelope)
                [posted] = await slack.wait_delivered(1)
                assert posted.args["channel"] == "C0ENTRAIDE"
            finally:
                process.send_signal(signal.SIGTERM)
                _, stderr = await asyncio.wait_for(process.communicate(), 30)
            said = stderr.decode()
            assert process.returncode == 0, said
            assert "telegram, slack" in said and "Traceback" not in said
    finally:
        await slack.close()
