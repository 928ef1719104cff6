"""The API reference page's reading of the OpenAPI document: each operation with its
parameters, body fields and answers, and each schema's fields as table rows."""

import json
import re

from markupsafe import Markup, escape

METHODS = ("get", "post", "delete")


def code_spans(text: str) -> Markup:
    """The document's `backticks` as <code>, the rest escaped; blank lines part paragraphs."""
    html = re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text)))
    return Markup("".join(f"<p>{part}</p>" for part in html.split("\n\n")))


def type_of(schema: dict) -> str:
    """A schema in a few words: "string (date)", "Use", "integer or null", "array of Event"."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[1]
    if "anyOf" in schema:
        return " or ".join(type_of(part) for part in schema["anyOf"])
    if "const" in schema:
        return json.dumps(schema["const"])
    if "enum" in schema:
        return "one of " + ", ".join(json.dumps(value) for value in schema["enum"])
    if schema.get("type") == "array":
        return "array of " + type_of(schema["items"])
    kind = schema.get("type", "any")
    return f"{kind} ({schema['format']})" if "format" in schema else kind


def description_of(schema: dict) -> str:
    """A field's meaning, then its limits as a sentence: "At least 0, at most 9, default 0."."""
    parts = [schema.get("description", "")]
    parts += [part.get("description", "") for part in schema.get("anyOf", ())]
    limits = [words.format(schema[key]) for key, words in _LIMITS if key in schema]
    if "default" in schema:
        limits.append(f"default {json.dumps(schema['default'])}")
    if limits:
        sentence = ", ".join(limits)
        parts.append(sentence[0].upper() + sentence[1:] + ".")
    return " ".join(part for part in parts if part)


_LIMITS = (("minimum", "at least {}"), ("maximum", "at most {}"),
           ("maxLength", "at most {} characters"), ("pattern", "matching `{}`"))  # fmt: skip


def fields(schema: dict) -> list[dict]:
    """An object schema's fields as rows: name, type, required, description."""
    required = set(schema.get("required", ()))
    return [
        {
            "name": name,
            "type": type_of(field),
            "required": name in required,
            "description": description_of(field),
        }
        for name, field in schema.get("properties", {}).items()
    ]


def operations(spec: dict) -> list[dict]:
    """Every operation, in the document's order, with what the page shows of it."""
    found = []
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            found.append(
                {
                    "id": method + re.sub(r"[^a-z_]+", "-", path).rstrip("-"),
                    "method": method.upper(),
                    "path": path,
                    "summary": operation["summary"],
                    "description": operation["description"],
                    "parameters": [
                        {**parameter, "type": type_of(parameter["schema"])}
                        for parameter in operation.get("parameters", ())
                    ],
                    "body": fields(body["schema"]) if body else [],
                    "body_example": json.dumps(body["example"], indent=2, ensure_ascii=False)
                    if body
                    else None,
                    "responses": [
                        {
                            "status": status,
                            "description": answer["description"],
                            "type": type_of(answer["content"]["application/json"]["schema"])
                            if "content" in answer
                            else None,
                        }
                        for status, answer in sorted(operation["responses"].items())
                    ],
                }
            )
    return found


def schemas(spec: dict) -> list[dict]:
    return [
        {
            "name": name,
            "description": schema.get("description", ""),
            "fields": fields(schema),
            "example": json.dumps(schema["example"], indent=2, ensure_ascii=False)
            if "example" in schema
            else None,
        }
        for name, schema in spec["components"]["schemas"].items()
    ]
