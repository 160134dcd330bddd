/** The top of a V8 CPU profile (.cpuprofile): functions by self time, as `node --cpu-prof` records them. */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** A Markdown table of the `top` functions by self time, with their share of all samples. */
export function topSelfTime(profile: CpuProfile, top: number): string {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    total += hits;
    const key = frameName(node);
    self.set(key, (self.get(key) ?? 0) + hits);
  }
  if (byNode.size === 0 || total === 0) return '(no samples)';
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return ['| self % | function (file:line) |', '|---:|---|', ...rows.map(([name, hits]) => `| ${((hits / total) * 100).toFixed(1)} | ${name} |`)].join('\n');
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '').replace(/^.*\/(src|dist|bench)\//, '$1/');
  return file ? `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}` : `${functionName || '(anonymous)'}`;
}
