"""The model gateway adapter (LiteLLM) and the offline local model.

Nothing here imports LiteLLM or llama-cpp at package import; building a `LiteLLMGateway` does.
"""

from autoforge.infrastructure.llm.config import GatewayConfig, LocalModelConfig
from autoforge.infrastructure.llm.gateway import LiteLLMGateway

__all__ = ["GatewayConfig", "LiteLLMGateway", "LocalModelConfig"]
