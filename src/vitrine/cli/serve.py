"""`vitrine serve NAME`: run the web app on one collection."""

from __future__ import annotations

import click

from vitrine.cli._common import App, collection_argument, pass_app


@click.command("serve")
@collection_argument(required=False)
@click.option("--host", help="Address to listen on [default: settings, 127.0.0.1].")
@click.option("--port", type=int, help="Port to listen on [default: settings, 8000].")
@click.option("--production", is_flag=True, default=None,
              help="Production mode: refuses the default secret key [env VITRINE_WEB__PRODUCTION].")
@click.option("--forwarded-allow-ips", metavar="ADDRESSES",
              help="Behind a reverse proxy: the proxy's addresses (comma-separated), whose "
                   "X-Forwarded-For/-Proto are trusted for the client's address and scheme "
                   "[default: none trusted].")
@pass_app
def serve(app: App, name: str | None, host: str | None, port: int | None, production: bool | None,
          forwarded_allow_ips: str | None) -> None:
    """Serve the visitor pages, the search page and the JSON API (/api/docs) for a collection."""
    import uvicorn

    from vitrine.collection import open_collection
    from vitrine.web import create_app
    from vitrine.web.app import check_collection, check_settings

    settings = app.settings
    web = settings.web.model_copy(update={
        k: v for k, v in {"host": host, "port": port, "production": production}.items() if v is not None})
    settings = settings.model_copy(update={"web": web})
    path = app.path(name)
    check_settings(settings)
    with open_collection(path) as collection:  # fail now, with the library's message, not in a worker
        check_collection(settings, collection)
    web_app = create_app(settings, path)
    click.echo(f"serving {path} on http://{web.host}:{web.port} (API docs at /api/docs)", err=True)
    # Forwarded headers are trusted only from the named proxy: from anyone else they would let a
    # client pick the address that rate limits and the audit trail see.
    uvicorn.run(web_app, host=web.host, port=web.port, log_level="info",
                proxy_headers=bool(forwarded_allow_ips), forwarded_allow_ips=forwarded_allow_ips or None)
