// Drives parseltongue's MCP server with an official TypeScript SDK client
// (tests/e2e_mcp.sh). Usage:
//   node client.mjs v1|v2 stdio PARSELTONGUE ROOT
//   node client.mjs v1|v2 http URL
// v1 is @modelcontextprotocol/sdk (the 2025-11-25 initialize handshake),
// v2 is @modelcontextprotocol/client (2026-07-28: server/discover and the
// per-request envelope). Prints one line per check; exits 1 on a failure.
import assert from 'node:assert/strict';

const [sdk, transport, target, root] = process.argv.slice(2);
const want = sdk === 'v2' ? '2026-07-28' : '2025-11-25';
const tools = ['find_symbol', 'entity_detail', 'callers', 'callees',
  'blast_radius', 'smart_context', 'architecture_summary', 'file_outline',
  'tests_covering', 'diff_impact', 'index_status', 'wait_for_fresh'];
const diff = '--- a/src/util.c\n+++ b/src/util.c\n@@ -1 +1 @@\n' +
  '-int helper(int x) { return x + 1; }\n+int helper(int x) { return x + 2; }\n';

async function connect() {
  const info = { name: 'parseltongue-e2e', version: '1.0.0' };
  if (sdk === 'v1') {
    const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
    const client = new Client(info, { capabilities: {} });
    let t;
    if (transport === 'stdio') {
      const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
      t = new StdioClientTransport({ command: target,
        args: ['mcp', '--db', 'mem', '--root', root, '--no-watch'], stderr: 'ignore' });
    } else {
      const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
      t = new StreamableHTTPClientTransport(new URL(target));
    }
    await client.connect(t);
    return { client, t, version: () => t.protocolVersion };
  }
  const { Client, StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
  // Its default is still the 2025 handshake; 'auto' probes server/discover
  // first and falls back to initialize only if the server lacks it.
  const client = new Client(info, { capabilities: {}, versionNegotiation: { mode: 'auto' } });
  let t;
  if (transport === 'stdio') {
    const { StdioClientTransport } = await import('@modelcontextprotocol/client/stdio');
    t = new StdioClientTransport({ command: target,
      args: ['mcp', '--db', 'mem', '--root', root, '--no-watch'], stderr: 'ignore' });
  } else {
    t = new StreamableHTTPClientTransport(new URL(target));
  }
  await client.connect(t);
  return { client, t, version: () => client.getNegotiatedProtocolVersion() };
}

function check(name, fn) {
  return fn().then(() => console.log(`ok   ${sdk} ${transport} ${name}`),
    (e) => { console.log(`FAIL ${sdk} ${transport} ${name}: ${e.stack || e}`); process.exitCode = 1; });
}

const { client, version } = await connect();
await check('negotiates ' + want, async () => {
  // v1's stdio transport does not keep the version; its HTTP one does.
  if (sdk === 'v2' || transport === 'http') assert.equal(version(), want);
});
await check('lists the tools in order', async () => {
  const r = await client.listTools();
  assert.deepEqual(r.tools.map((t) => t.name), tools);
  for (const t of r.tools) {
    assert.equal(t.annotations.readOnlyHint, true);
    assert.equal(t.outputSchema.type, 'object');
  }
});
await check('find_symbol', async () => {
  const r = await client.callTool({ name: 'find_symbol', arguments: { query: 'helper' } });
  assert.ok(!r.isError, JSON.stringify(r));
  assert.equal(r.structuredContent.total, 1);
  assert.equal(r.structuredContent.matches[0].file_path, 'src/util.c');
  assert.match(r.content[0].text, /1 exact match/);
});
await check('callers, paged', async () => {
  const a = await client.callTool({ name: 'callers', arguments: { entity: 'helper', limit: 1 } });
  assert.equal(a.structuredContent.truncated, true);
  const b = await client.callTool({ name: 'callers',
    arguments: { entity: 'helper', limit: 1, cursor: a.structuredContent.next_cursor } });
  assert.equal(b.structuredContent.truncated, false);
  assert.notEqual(a.structuredContent.callers[0].from.key, b.structuredContent.callers[0].from.key);
});
await check('every tool answers and validates', async () => {
  const args = {
    find_symbol: { query: 'pinga' }, entity_detail: { entity: 'compute' },
    callers: { entity: 'helper' }, callees: { entity: 'run' },
    blast_radius: { entity: 'helper' }, smart_context: { entity: 'compute' },
    architecture_summary: { section: 'cycles' }, file_outline: { path: 'src/main.c' },
    tests_covering: { entity: 'helper' }, diff_impact: { diff },
    index_status: {}, wait_for_fresh: { timeout_ms: 1000 },
  };
  for (const name of tools) {
    const r = await client.callTool({ name, arguments: args[name] });
    assert.ok(!r.isError, `${name}: ${JSON.stringify(r.content)}`);
    if (name !== 'wait_for_fresh') // the one tool without a list
      assert.equal(typeof r.structuredContent.total, 'number', name);
    assert.equal(r.structuredContent.index.generation, 1, name);
    assert.equal(r.structuredContent.index.pending, false, name);
    assert.equal(r._meta['parseltongue/index'].generation, 1, name);
  }
});
await check('tests_covering and diff_impact', async () => {
  const a = await client.callTool({ name: 'tests_covering', arguments: { entity: 'helper' } });
  assert.deepEqual(a.structuredContent.tests.map((t) => [t.name, t.hops]),
    [['test_helper', 1], ['test_run', 2]]);
  const b = await client.callTool({ name: 'diff_impact', arguments: { diff } });
  assert.deepEqual(b.structuredContent.changed.map((e) => e.name), ['helper']);
  assert.equal(b.structuredContent.tests[0].name, 'test_helper');
});
await check('wait_for_fresh', async () => {
  const r = await client.callTool({ name: 'wait_for_fresh', arguments: {} });
  assert.equal(r.structuredContent.fresh, true);
  assert.equal(r.structuredContent.timed_out, false);
  assert.equal(r.structuredContent.index.watching, false); // --no-watch
});
await check('unknown symbol is a tool error with candidates', async () => {
  const r = await client.callTool({ name: 'callers', arguments: { entity: 'helpr' } });
  assert.equal(r.isError, true);
  assert.match(r.content[0].text, /unknown symbol 'helpr'[\s\S]*helper/);
});
await check('unknown tool is a protocol error', async () => {
  await assert.rejects(client.callTool({ name: 'no_such_tool', arguments: {} }),
    (e) => /no_such_tool/.test(String(e.message)));
});
if (sdk === 'v1') // 2026-07-28 has no ping
  await check('ping', async () => { await client.ping(); });
await client.close();
