// Renders the app's OpenAPI description as a plain page (the usual viewers load from a CDN;
// the studio works offline). Text from the schema goes in via textContent only.
"use strict";

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function resolve(spec, schema) {
  if (schema && schema.$ref) {
    return spec.components.schemas[schema.$ref.split("/").pop()] || {};
  }
  return schema || {};
}

function typeOf(spec, schema) {
  schema = schema || {};
  if (schema.$ref) return schema.$ref.split("/").pop();
  if (schema.anyOf) return schema.anyOf.map((s) => typeOf(spec, s)).join(" | ");
  if (schema.type === "array") return `array of ${typeOf(spec, schema.items)}`;
  if (schema.format === "binary" || schema.contentMediaType) return "file";
  return schema.type || "any";
}

function fieldTable(spec, rows) {
  const table = element("table");
  const head = element("tr");
  for (const title of ["name", "in", "type", "description"]) head.append(element("th", null, title));
  table.append(head);
  for (const row of rows) {
    const line = element("tr");
    line.append(element("td", "name", row.name + (row.required ? " *" : "")));
    line.append(element("td", null, row.where));
    line.append(element("td", null, row.type));
    line.append(element("td", null, row.description || ""));
    table.append(line);
  }
  return table;
}

function operationRows(spec, operation) {
  const rows = (operation.parameters || []).map((p) => ({
    name: p.name, where: p.in, type: typeOf(spec, p.schema), required: p.required,
    description: p.description || (p.schema && p.schema.description),
  }));
  const body = operation.requestBody && operation.requestBody.content;
  if (body) {
    for (const [mediaType, content] of Object.entries(body)) {
      const schema = resolve(spec, content.schema);
      const required = new Set(schema.required || []);
      for (const [name, field] of Object.entries(schema.properties || {})) {
        rows.push({
          name, where: mediaType === "multipart/form-data" ? "form" : "body",
          type: typeOf(spec, field), required: required.has(name), description: field.description,
        });
      }
    }
  }
  return rows;
}

async function main() {
  const spec = await (await fetch("/openapi.json")).json();
  const root = document.getElementById("endpoints");
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const card = element("section", "card endpoint");
      const title = element("h2");
      title.append(element("span", `method ${method}`, method.toUpperCase()), element("code", null, path));
      card.append(title, element("p", "summary", operation.summary || ""));
      if (operation.description) card.append(element("p", "note", operation.description));
      const rows = operationRows(spec, operation);
      if (rows.length) card.append(fieldTable(spec, rows));
      const answers = element("ul", "responses");
      for (const [code, response] of Object.entries(operation.responses || {})) {
        answers.append(element("li", null, `${code}: ${response.description || ""}`));
      }
      card.append(answers);
      root.append(card);
    }
  }
}

document.addEventListener("DOMContentLoaded", main);
