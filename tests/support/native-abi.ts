import fs from 'node:fs';

/** A shared object's dynamic symbols: names it defines (exports) and names it needs from the host process. */
export interface DynamicSymbols {
  defined: Set<string>;
  undefined: Set<string>;
}

const SHT_DYNSYM = 11;

/**
 * Reads the dynamic symbol table (.dynsym with its .dynstr) of a 64-bit little-endian ELF file, what `nm -D` lists.
 * Returns null for anything else (another word size, Mach-O, PE), where the caller falls back to the names' bytes.
 */
export function readElfDynamicSymbols(file: string): DynamicSymbols | null {
  const buf = fs.readFileSync(file);
  if (buf.length < 64 || buf.readUInt32BE(0) !== 0x7f454c46 || buf[4] !== 2 || buf[5] !== 1) return null;
  const shoff = Number(buf.readBigUInt64LE(0x28));
  const shentsize = buf.readUInt16LE(0x3a);
  const shnum = buf.readUInt16LE(0x3c);
  const section = (i: number) => {
    const at = shoff + i * shentsize;
    return {
      type: buf.readUInt32LE(at + 4),
      offset: Number(buf.readBigUInt64LE(at + 0x18)),
      size: Number(buf.readBigUInt64LE(at + 0x20)),
      link: buf.readUInt32LE(at + 0x28),
      entsize: Number(buf.readBigUInt64LE(at + 0x38)),
    };
  };
  const out: DynamicSymbols = { defined: new Set(), undefined: new Set() };
  for (let i = 0; i < shnum; i++) {
    const sym = section(i);
    if (sym.type !== SHT_DYNSYM) continue;
    const str = section(sym.link);
    for (let at = sym.offset + sym.entsize; at + 24 <= sym.offset + sym.size; at += sym.entsize) {
      const nameAt = str.offset + buf.readUInt32LE(at);
      const name = buf.toString('latin1', nameAt, buf.indexOf(0, nameAt));
      if (!name) continue;
      (buf.readUInt16LE(at + 6) === 0 ? out.undefined : out.defined).add(name);
    }
  }
  return out;
}

export interface AbiVerdict {
  napi: boolean;
  /** Why it is not ABI-stable, empty when it is. */
  problems: string[];
}

/**
 * Whether a native module loads in any Node-API host (Node 22 and Electron's Node alike, no rebuild): it registers
 * through N-API (exports napi_register_module_v1, or calls napi_module_register), and neither registers for one
 * NODE_MODULE_VERSION (node_register_module_v<ABI>, node_module_register) nor links V8's or Node's C++ internals.
 */
export function napiVerdict(file: string): AbiVerdict {
  const syms = readElfDynamicSymbols(file);
  const problems: string[] = [];
  if (syms) {
    const napi = syms.defined.has('napi_register_module_v1') || syms.undefined.has('napi_module_register');
    if (!napi) problems.push('registers no N-API module (no napi_register_module_v1 / napi_module_register)');
    const abi = [...syms.defined].filter((s) => /^node_register_module_v\d+$/.test(s));
    if (abi.length > 0) problems.push(`registers for one Node ABI only: ${abi.join(', ')}`);
    if (syms.undefined.has('node_module_register')) problems.push('registers through node_module_register (ABI-bound)');
    const cxx = [...syms.undefined].filter((s) => s.startsWith('_ZN2v8') || s.startsWith('_ZN4node'));
    if (cxx.length > 0) problems.push(`links ${cxx.length} V8/Node C++ symbols, e.g. ${cxx[0]}`);
    return { napi: problems.length === 0, problems };
  }
  // Mach-O and PE keep exported names as plain bytes: enough to tell N-API registration from an ABI-bound one.
  const bytes = fs.readFileSync(file).toString('latin1');
  if (!bytes.includes('napi_register_module_v1') && !bytes.includes('napi_module_register')) problems.push('registers no N-API module');
  const abi = bytes.match(/node_register_module_v\d+/);
  if (abi) problems.push(`registers for one Node ABI only: ${abi[0]}`);
  return { napi: problems.length === 0, problems };
}
