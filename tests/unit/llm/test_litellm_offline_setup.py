"""LiteLLM is loaded lazily and offline."""

from __future__ import annotations

import os
import subprocess
import sys

from autoforge.infrastructure.llm.litellm_runtime import OFFLINE_ENVIRONMENT, load_litellm


def test_importing_the_gateway_package_loads_neither_litellm_nor_llama_cpp() -> None:
    probe = (
        "import sys, autoforge.infrastructure.llm;"
        "print(sorted(m for m in ('litellm', 'llama_cpp') if m in sys.modules))"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("LITELLM_")}

    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=environment
    )

    assert result.stdout.strip() == "[]"


def test_loading_litellm_switches_it_offline_first() -> None:
    litellm = load_litellm()

    for name, value in OFFLINE_ENVIRONMENT.items():
        assert os.environ[name].lower() == value.lower()
    assert litellm.disable_hf_tokenizer_download is True
    assert litellm.model_cost  # the bundled price map, read without a download
