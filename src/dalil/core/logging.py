import json
import logging


class JsonFormatter(logging.Formatter):
    """One JSON object per line: CR/LF, ANSI escapes and quotes in messages cannot forge a record."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "ts": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=True)
