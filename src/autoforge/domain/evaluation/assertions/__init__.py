"""The assertion engine: scores one model output against a test's assertions.

It reproduces promptfoo 0.123.1's assertion semantics (types, `not-` forms, weights,
thresholds, named metrics), in the standard library, with JSON Schema validation,
time-limited regex matching, embeddings and grader models behind ports.
docs/assertions.md lists the types and where this engine deliberately differs from
promptfoo's JavaScript behaviour.

Entry points: `evaluate_test` (every type, async), `evaluate_test_sync` (deterministic
types only) and `validate_assertions` (on save).
"""

from autoforge.domain.evaluation.assertions.engine import (
    DEFAULT_CONCURRENCY,
    evaluate_test,
    evaluate_test_sync,
    output_text,
)
from autoforge.domain.evaluation.assertions.errors import (
    AssertionSpecError,
    CheckError,
    InvalidAssertionError,
    InvalidJsonSchemaError,
)
from autoforge.domain.evaluation.assertions.model import (
    MODEL_GRADED_TYPES,
    Assertion,
    AssertionResult,
    AssertionType,
    TestResult,
    Verdict,
)
from autoforge.domain.evaluation.assertions.parsing import SUPPORTED_TYPES, parse_assertion
from autoforge.domain.evaluation.assertions.ports import (
    AssertionPorts,
    Embedder,
    Grader,
    JsonSchemaValidator,
    RegexEngine,
)
from autoforge.domain.evaluation.assertions.regex_engine import StdlibRegexEngine
from autoforge.domain.evaluation.assertions.validation import (
    validate_assertion,
    validate_assertions,
)

__all__ = [
    "DEFAULT_CONCURRENCY",
    "MODEL_GRADED_TYPES",
    "SUPPORTED_TYPES",
    "Assertion",
    "AssertionPorts",
    "AssertionResult",
    "AssertionSpecError",
    "AssertionType",
    "CheckError",
    "Embedder",
    "Grader",
    "InvalidAssertionError",
    "InvalidJsonSchemaError",
    "JsonSchemaValidator",
    "RegexEngine",
    "StdlibRegexEngine",
    "TestResult",
    "Verdict",
    "evaluate_test",
    "evaluate_test_sync",
    "output_text",
    "parse_assertion",
    "validate_assertion",
    "validate_assertions",
]
