// Validates every Kubernetes object in the given directories against the API's JSON schemas,
// offline: the kubernetes-models package bundles the schemas as compiled validators.
// Strict like `kubeconform -strict`: a field the schema does not know (a misspelt
// `livenesProbe`) is an error too, found by recording which keys the validator reads.
// Usage: node validate.mjs ../k8s [more dirs]; one line per object; exit 1 on any error.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { parseAllDocuments } from "yaml";

const require = createRequire(import.meta.url);
const modelsRoot = dirname(require.resolve("kubernetes-models/package.json"));

// The compiled schema validator of apiVersion/kind, found through the model class's import.
async function schemaValidator(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : [null, apiVersion];
  const file = group ? join(modelsRoot, group, version, `${kind}.js`) : join(modelsRoot, version, `${kind}.js`);
  const source = readFileSync(file, "utf8");
  const match = /_schemas\/(IoK8s\w+)\.js/.exec(source);
  if (!match) throw new Error(`no schema import in ${file}`);
  return (await import(join(modelsRoot, "_schemas", `${match[1]}.js`))).validate;
}

// Wraps an object so every property the validator reads is recorded by its path.
function tracked(value, path, seen) {
  if (value === null || typeof value !== "object") return value;
  return new Proxy(value, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver);
      if (typeof key === "string" && Object.prototype.hasOwnProperty.call(target, key)) {
        const child = Array.isArray(target) ? `${path}[${key}]` : `${path}.${key}`;
        seen.add(child);
        return tracked(v, child, seen);
      }
      return v;
    },
  });
}

function unknownFields(value, path, seen, out) {
  if (value === null || typeof value !== "object") return;
  for (const key of Object.keys(value)) {
    const child = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
    if (!seen.has(child)) out.push(child.replace(/^\$\./, ""));
    else unknownFields(value[key], child, seen, out);
  }
}

let failures = 0;
let checked = 0;
const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error("usage: node validate.mjs DIR...");
  process.exit(2);
}
for (const dir of dirs) {
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const path = join(dir, file);
    for (const doc of parseAllDocuments(readFileSync(path, "utf8"))) {
      if (doc.errors.length > 0) {
        console.log(`FAIL ${path}: YAML: ${doc.errors.map((e) => e.message).join("; ")}`);
        failures++;
        continue;
      }
      const obj = doc.toJS();
      if (obj === null || obj === undefined) continue;
      if (obj.kind === "Kustomization") continue; // a kustomize file, not an API object
      const label = `${path}: ${obj.apiVersion}/${obj.kind} ${obj.metadata?.name ?? "?"}`;
      let validate;
      try {
        validate = await schemaValidator(String(obj.apiVersion), String(obj.kind));
      } catch (e) {
        console.log(`FAIL ${label}: no schema for ${obj.apiVersion} ${obj.kind} (${e.message})`);
        failures++;
        continue;
      }
      const seen = new Set();
      const valid = validate(tracked(obj, "$", seen));
      const problems = valid ? [] : validate.errors.map((e) => `${e.instancePath || "/"} ${e.keyword}: ${JSON.stringify(e.params)}`);
      const unknown = [];
      unknownFields(obj, "$", seen, unknown);
      problems.push(...unknown.map((f) => `${f}: field not in the schema`));
      if (problems.length === 0) {
        checked++;
        console.log(`ok   ${label}`);
      } else {
        failures++;
        console.log(`FAIL ${label}: ${problems.join("; ")}`);
      }
    }
  }
}
console.log(`${checked} valid, ${failures} invalid`);
process.exit(failures === 0 && checked > 0 ? 0 : 1);
