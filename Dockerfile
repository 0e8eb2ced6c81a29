FROM python:3.11-slim

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY directory ./directory
COPY scheduler ./scheduler
COPY migrations ./migrations
RUN pip install --no-cache-dir . && useradd --create-home passerelle && mkdir /data && chown passerelle /data

USER passerelle
ENV PASSERELLE_DATABASE_URL=sqlite:////data/passerelle.db
VOLUME /data
# Telegram webhook and Slack HTTP events (GET /healthz answers while the bot runs).
EXPOSE 3000
ENTRYPOINT ["passerelle"]
CMD ["run"]
