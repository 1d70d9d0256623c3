"""The token sources a run's settings name: static tokens, a token command, an OAuth 2.0 token
endpoint, in that order; with none of them, the embedded mock's issuer."""

from __future__ import annotations

from wsconform.config import Settings
from wsconform.mock.issuer import TokenIssuer
from wsconform.oauth import OAuthTokens
from wsconform.redact import Redactor
from wsconform.session import USER_AGENT
from wsconform.target import client_tls
from wsconform.tokens import ChainTokens, CommandTokens, IssuerTokens, StaticTokens, TokenSource


def configured_tokens(s: Settings, redactor: Redactor, issuer: TokenIssuer | None) -> TokenSource:
    """The token sources the settings name, in order; with none, an embedded mock's `issuer`."""
    static = {
        kind: value
        for kind, value in (
            ("valid", s.token),
            ("expired", s.expired_token),
            ("limited", s.limited_token),
        )
        if value
    }
    sources: list[TokenSource] = []
    if static:
        sources.append(StaticTokens(static))
    if s.token_command:
        sources.append(CommandTokens(s.token_command, redactor, s.token_timeout))
    if s.token_url and s.client_id:
        sources.append(
            OAuthTokens(
                s.token_url,
                s.client_id,
                s.client_secret,
                s.scope,
                s.limited_scope,
                s.refresh_token,
                redactor=redactor,
                ssl=client_tls(s.ca_file, s.insecure),
                timeout=max(s.op_timeout, 10.0),
                user_agent=USER_AGENT,
            )
        )
    if not sources and issuer is not None:
        return IssuerTokens(issuer)
    return ChainTokens(sources)
