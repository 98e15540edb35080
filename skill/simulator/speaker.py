"""`--speak`: the answer out loud through espeak-ng, with the SSML's pauses as real silences."""
from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable

from skill.simulator.ssml import Segment

ESPEAK = "espeak-ng"
#: Alexa speaks at about 150 words a minute; espeak-ng's -s is words per minute.
WORDS_PER_MINUTE = 150
NOT_INSTALLED = ("--speak: espeak-ng is not installed, so answers are shown as text only "
                 "(Debian/Ubuntu: sudo apt-get install espeak-ng; macOS: brew install espeak-ng).")


class Speaker:
    def __init__(self, binary: str | None = None,
                 run: Callable[..., object] = subprocess.run,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.binary = binary or shutil.which(ESPEAK)
        self._run = run
        self._sleep = sleep

    @property
    def available(self) -> bool:
        return self.binary is not None

    def speak(self, parts: list[Segment]) -> None:
        """Speak text segments and sleep through pauses, in order."""
        if not self.binary:
            return
        for part in parts:
            if part.is_pause:
                self._sleep(part.pause)
            else:
                self._run([self.binary, "-s", str(WORDS_PER_MINUTE), "--", part.text],
                          check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
