/**
 * Maximum-weight matching in a general graph: Edmonds' blossom algorithm in the
 * primal-dual form of Galil ("Efficient algorithms for finding maximum matching
 * in graphs", 1986), following the structure of Joris van Rantwijk's public-domain
 * `mwmatching.py`. O(n³) time; O(n + m) memory, so sparse graphs stay cheap.
 *
 * Swiss pairing needs a *general* graph matcher: the "may meet" graph is not
 * bipartite, and a greedy or bipartite pass misses rematch-free pairings that
 * exist (see swiss-pairing.test.ts).
 */

/** An edge `[u, v, weight]`; vertices are 0..n-1, weights finite and below 2^50. */
export type WeightedEdge = readonly [number, number, number];

/**
 * Returns `mate`, where `mate[v]` is the vertex matched to `v` or -1. With
 * `maxCardinality` the result is the heaviest among the maximum-cardinality
 * matchings. Deterministic: the same edges in the same order give the same result.
 */
export function maxWeightMatching(
  n: number,
  edges: readonly WeightedEdge[],
  maxCardinality: boolean,
): Int32Array {
  const m = edges.length;
  const result = new Int32Array(n).fill(-1);
  if (m === 0 || n === 0) return result;

  const wt = new Float64Array(m);
  // endpoint[2k] and endpoint[2k+1] are edge k's ends; p ^ 1 is the other end.
  const endpoint = new Int32Array(2 * m);
  const degree = new Int32Array(n);
  let maxWeight = 0;
  for (let k = 0; k < m; k++) {
    const [u, v, w] = edges[k] as WeightedEdge;
    endpoint[2 * k] = u;
    endpoint[2 * k + 1] = v;
    wt[k] = w;
    if (w > maxWeight) maxWeight = w;
    degree[u] = (degree[u] as number) + 1;
    degree[v] = (degree[v] as number) + 1;
  }
  // CSR adjacency: for vertex v, nbStart[v]..nbStart[v+1] lists the remote endpoints.
  const nbStart = new Int32Array(n + 1);
  for (let v = 0; v < n; v++) nbStart[v + 1] = (nbStart[v] as number) + (degree[v] as number);
  const nbFill = nbStart.slice(0, n);
  const nb = new Int32Array(2 * m);
  for (let k = 0; k < m; k++) {
    const u = endpoint[2 * k] as number;
    const v = endpoint[2 * k + 1] as number;
    const su = nbFill[u] as number;
    nb[su] = 2 * k + 1;
    nbFill[u] = su + 1;
    const sv = nbFill[v] as number;
    nb[sv] = 2 * k;
    nbFill[v] = sv + 1;
  }

  const n2 = 2 * n;
  const mate = new Int32Array(n).fill(-1); // remote endpoint, or -1
  const label = new Int32Array(n2); // 0 free, 1 S (outer), 2 T (inner), 5 scan mark
  const labelEnd = new Int32Array(n2).fill(-1);
  const inBlossom = new Int32Array(n);
  for (let v = 0; v < n; v++) inBlossom[v] = v;
  const blossomParent = new Int32Array(n2).fill(-1);
  const childs: (number[] | null)[] = new Array(n2).fill(null);
  const endps: (number[] | null)[] = new Array(n2).fill(null);
  const blossomBase = new Int32Array(n2).fill(-1);
  for (let v = 0; v < n; v++) blossomBase[v] = v;
  const bestEdge = new Int32Array(n2).fill(-1);
  const blossomBestEdges: (number[] | null)[] = new Array(n2).fill(null);
  const unused: number[] = [];
  for (let b = n2 - 1; b >= n; b--) unused.push(b);
  const dual = new Float64Array(n2);
  dual.fill(maxWeight, 0, n);
  const allowEdge = new Uint8Array(m);
  const bestEdgeTo = new Int32Array(n2).fill(-1);
  let queue: number[] = [];

  const slack = (k: number): number =>
    (dual[endpoint[2 * k] as number] as number) +
    (dual[endpoint[2 * k + 1] as number] as number) -
    2 * (wt[k] as number);
  const minVertexDual = (): number => {
    let d = Number.POSITIVE_INFINITY;
    for (let v = 0; v < n; v++) d = Math.min(d, dual[v] as number);
    return d;
  };
  const at = (list: number[], j: number): number => list[(j + list.length) % list.length] as number;

  const leaves = (b: number, out: number[]): number[] => {
    if (b < n) out.push(b);
    else for (const c of childs[b] as number[]) leaves(c, out);
    return out;
  };

  const assignLabel = (w: number, t: number, p: number): void => {
    const b = inBlossom[w] as number;
    label[w] = label[b] = t;
    labelEnd[w] = labelEnd[b] = p;
    bestEdge[w] = bestEdge[b] = -1;
    if (t === 1) {
      leaves(b, queue);
    } else {
      const base = blossomBase[b] as number;
      const mb = mate[base] as number;
      assignLabel(endpoint[mb] as number, 1, mb ^ 1);
    }
  };

  // Trace back from v and w to find a common base (new blossom) or -1 (augmenting path).
  const scanBlossom = (vIn: number, wIn: number): number => {
    let v = vIn;
    let w = wIn;
    const path: number[] = [];
    let base = -1;
    while (v !== -1 || w !== -1) {
      let b = inBlossom[v] as number;
      if ((label[b] as number) & 4) {
        base = blossomBase[b] as number;
        break;
      }
      path.push(b);
      label[b] = 5;
      if (labelEnd[b] === -1) {
        v = -1;
      } else {
        v = endpoint[labelEnd[b] as number] as number;
        b = inBlossom[v] as number;
        v = endpoint[labelEnd[b] as number] as number;
      }
      if (w !== -1) [v, w] = [w, v];
    }
    for (const b of path) label[b] = 1;
    return base;
  };

  const addBlossom = (base: number, k: number): void => {
    let v = endpoint[2 * k] as number;
    let w = endpoint[2 * k + 1] as number;
    const bb = inBlossom[base] as number;
    let bv = inBlossom[v] as number;
    let bw = inBlossom[w] as number;
    const b = unused.pop() as number;
    blossomBase[b] = base;
    blossomParent[b] = -1;
    blossomParent[bb] = b;
    const path: number[] = [];
    const ends: number[] = [];
    while (bv !== bb) {
      blossomParent[bv] = b;
      path.push(bv);
      ends.push(labelEnd[bv] as number);
      v = endpoint[labelEnd[bv] as number] as number;
      bv = inBlossom[v] as number;
    }
    path.push(bb);
    path.reverse();
    ends.reverse();
    ends.push(2 * k);
    while (bw !== bb) {
      blossomParent[bw] = b;
      path.push(bw);
      ends.push((labelEnd[bw] as number) ^ 1);
      w = endpoint[labelEnd[bw] as number] as number;
      bw = inBlossom[w] as number;
    }
    childs[b] = path;
    endps[b] = ends;
    label[b] = 1;
    labelEnd[b] = labelEnd[bb] as number;
    dual[b] = 0;
    for (const x of leaves(b, [])) {
      if (label[inBlossom[x] as number] === 2) queue.push(x);
      inBlossom[x] = b;
    }
    // Keep, per neighbouring S-blossom, the least-slack edge leaving the new blossom.
    const touched: number[] = [];
    const consider = (e: number): void => {
      let j = endpoint[2 * e + 1] as number;
      if (inBlossom[j] === b) j = endpoint[2 * e] as number;
      const bj = inBlossom[j] as number;
      if (bj !== b && label[bj] === 1) {
        const cur = bestEdgeTo[bj] as number;
        if (cur === -1) touched.push(bj);
        if (cur === -1 || slack(e) < slack(cur)) bestEdgeTo[bj] = e;
      }
    };
    for (const c of path) {
      const list = blossomBestEdges[c] ?? null;
      if (list === null) {
        for (const x of leaves(c, [])) {
          for (let i = nbStart[x] as number; i < (nbStart[x + 1] as number); i++) {
            consider((nb[i] as number) >> 1);
          }
        }
      } else {
        for (const e of list) consider(e);
      }
      blossomBestEdges[c] = null;
      bestEdge[c] = -1;
    }
    const best: number[] = [];
    let top = -1;
    for (const bj of touched) {
      const e = bestEdgeTo[bj] as number;
      bestEdgeTo[bj] = -1;
      best.push(e);
      if (top === -1 || slack(e) < slack(top)) top = e;
    }
    blossomBestEdges[b] = best;
    bestEdge[b] = top;
  };

  const expandBlossom = (b: number, endStage: boolean): void => {
    const cs = childs[b] as number[];
    const es = endps[b] as number[];
    for (const s of cs) {
      blossomParent[s] = -1;
      if (s < n) inBlossom[s] = s;
      else if (endStage && dual[s] === 0) expandBlossom(s, endStage);
      else for (const x of leaves(s, [])) inBlossom[x] = s;
    }
    if (!endStage && label[b] === 2) {
      // Relabel the children along the even-length path from the entry child to the base.
      const entry = inBlossom[endpoint[(labelEnd[b] as number) ^ 1] as number] as number;
      let j = cs.indexOf(entry);
      let jstep: number;
      let trick: number;
      if (j & 1) {
        j -= cs.length;
        jstep = 1;
        trick = 0;
      } else {
        jstep = -1;
        trick = 1;
      }
      let p = labelEnd[b] as number;
      while (j !== 0) {
        label[endpoint[p ^ 1] as number] = 0;
        label[endpoint[at(es, j - trick) ^ trick ^ 1] as number] = 0;
        assignLabel(endpoint[p ^ 1] as number, 2, p);
        allowEdge[at(es, j - trick) >> 1] = 1;
        j += jstep;
        p = at(es, j - trick) ^ trick;
        allowEdge[p >> 1] = 1;
        j += jstep;
      }
      const bv = at(cs, j);
      label[endpoint[p ^ 1] as number] = label[bv] = 2;
      labelEnd[endpoint[p ^ 1] as number] = labelEnd[bv] = p;
      bestEdge[bv] = -1;
      j += jstep;
      while (at(cs, j) !== entry) {
        const c = at(cs, j);
        j += jstep;
        if (label[c] === 1) continue;
        const reached = leaves(c, []).find((x) => label[x] !== 0);
        if (reached !== undefined) {
          label[reached] = 0;
          label[endpoint[mate[blossomBase[c] as number] as number] as number] = 0;
          assignLabel(reached, 2, labelEnd[reached] as number);
        }
      }
    }
    label[b] = labelEnd[b] = -1;
    childs[b] = endps[b] = null;
    blossomBase[b] = -1;
    blossomBestEdges[b] = null;
    bestEdge[b] = -1;
    unused.push(b);
  };

  // Flip the matching along the path inside blossom b from vertex v to its base.
  const augmentBlossom = (b: number, v: number): void => {
    let t = v;
    while (blossomParent[t] !== b) t = blossomParent[t] as number;
    if (t >= n) augmentBlossom(t, v);
    const cs = childs[b] as number[];
    const es = endps[b] as number[];
    const i = cs.indexOf(t);
    let j = i;
    let jstep: number;
    let trick: number;
    if (i & 1) {
      j -= cs.length;
      jstep = 1;
      trick = 0;
    } else {
      jstep = -1;
      trick = 1;
    }
    while (j !== 0) {
      j += jstep;
      t = at(cs, j);
      const p = at(es, j - trick) ^ trick;
      if (t >= n) augmentBlossom(t, endpoint[p] as number);
      j += jstep;
      t = at(cs, j);
      if (t >= n) augmentBlossom(t, endpoint[p ^ 1] as number);
      mate[endpoint[p] as number] = p ^ 1;
      mate[endpoint[p ^ 1] as number] = p;
    }
    childs[b] = cs.slice(i).concat(cs.slice(0, i));
    endps[b] = es.slice(i).concat(es.slice(0, i));
    blossomBase[b] = blossomBase[(childs[b] as number[])[0] as number] as number;
  };

  const augmentMatching = (k: number): void => {
    for (const [s0, p0] of [
      [endpoint[2 * k] as number, 2 * k + 1],
      [endpoint[2 * k + 1] as number, 2 * k],
    ] as const) {
      let s = s0;
      let p = p0;
      for (;;) {
        const bs = inBlossom[s] as number;
        if (bs >= n) augmentBlossom(bs, s);
        mate[s] = p;
        if (labelEnd[bs] === -1) break;
        const tt = endpoint[labelEnd[bs] as number] as number;
        const bt = inBlossom[tt] as number;
        s = endpoint[labelEnd[bt] as number] as number;
        const j = endpoint[(labelEnd[bt] as number) ^ 1] as number;
        if (bt >= n) augmentBlossom(bt, j);
        mate[j] = labelEnd[bt] as number;
        p = (labelEnd[bt] as number) ^ 1;
      }
    }
  };

  for (let stage = 0; stage < n; stage++) {
    label.fill(0);
    bestEdge.fill(-1);
    blossomBestEdges.fill(null, n);
    allowEdge.fill(0);
    queue = [];
    for (let v = 0; v < n; v++) {
      if (mate[v] === -1 && label[inBlossom[v] as number] === 0) assignLabel(v, 1, -1);
    }
    let augmented = false;
    for (;;) {
      while (queue.length > 0 && !augmented) {
        const v = queue.pop() as number;
        for (let i = nbStart[v] as number; i < (nbStart[v + 1] as number); i++) {
          const p = nb[i] as number;
          const k = p >> 1;
          const w = endpoint[p] as number;
          const bw = inBlossom[w] as number;
          if (inBlossom[v] === bw) continue;
          let kslack = 0;
          if (!allowEdge[k]) {
            kslack = slack(k);
            if (kslack <= 0) allowEdge[k] = 1;
          }
          if (allowEdge[k]) {
            if (label[bw] === 0) {
              assignLabel(w, 2, p ^ 1);
            } else if (label[bw] === 1) {
              const base = scanBlossom(v, w);
              if (base >= 0) {
                addBlossom(base, k);
              } else {
                augmentMatching(k);
                augmented = true;
                break;
              }
            } else if (label[w] === 0) {
              label[w] = 2;
              labelEnd[w] = p ^ 1;
            }
          } else if (label[bw] === 1) {
            const b = inBlossom[v] as number;
            if (bestEdge[b] === -1 || kslack < slack(bestEdge[b] as number)) bestEdge[b] = k;
          } else if (label[w] === 0) {
            if (bestEdge[w] === -1 || kslack < slack(bestEdge[w] as number)) bestEdge[w] = k;
          }
        }
      }
      if (augmented) break;

      // No augmenting path with tight edges: change the duals (Galil's delta1..delta4).
      let deltaType = -1;
      let delta = 0;
      let deltaEdge = -1;
      let deltaBlossom = -1;
      if (!maxCardinality) {
        deltaType = 1;
        delta = minVertexDual();
      }
      for (let v = 0; v < n; v++) {
        const be = bestEdge[v] as number;
        if (label[inBlossom[v] as number] === 0 && be !== -1) {
          const d = slack(be);
          if (deltaType === -1 || d < delta) [delta, deltaType, deltaEdge] = [d, 2, be];
        }
      }
      for (let b = 0; b < n2; b++) {
        const be = bestEdge[b] as number;
        if (blossomParent[b] === -1 && label[b] === 1 && be !== -1) {
          const d = slack(be) / 2;
          if (deltaType === -1 || d < delta) [delta, deltaType, deltaEdge] = [d, 3, be];
        }
      }
      for (let b = n; b < n2; b++) {
        if ((blossomBase[b] as number) >= 0 && blossomParent[b] === -1 && label[b] === 2) {
          if (deltaType === -1 || (dual[b] as number) < delta) {
            [delta, deltaType, deltaBlossom] = [dual[b] as number, 4, b];
          }
        }
      }
      if (deltaType === -1) {
        deltaType = 1;
        delta = Math.max(0, minVertexDual());
      }
      for (let v = 0; v < n; v++) {
        const l = label[inBlossom[v] as number];
        if (l === 1) dual[v] = (dual[v] as number) - delta;
        else if (l === 2) dual[v] = (dual[v] as number) + delta;
      }
      for (let b = n; b < n2; b++) {
        if ((blossomBase[b] as number) >= 0 && blossomParent[b] === -1) {
          if (label[b] === 1) dual[b] = (dual[b] as number) + delta;
          else if (label[b] === 2) dual[b] = (dual[b] as number) - delta;
        }
      }
      if (deltaType === 1) break;
      if (deltaType === 2) {
        allowEdge[deltaEdge] = 1;
        let i = endpoint[2 * deltaEdge] as number;
        if (label[inBlossom[i] as number] === 0) i = endpoint[2 * deltaEdge + 1] as number;
        queue.push(i);
      } else if (deltaType === 3) {
        allowEdge[deltaEdge] = 1;
        queue.push(endpoint[2 * deltaEdge] as number);
      } else {
        expandBlossom(deltaBlossom, false);
      }
    }
    if (!augmented) break;
    // End of stage: expand S-blossoms whose dual reached zero.
    for (let b = n; b < n2; b++) {
      if (
        blossomParent[b] === -1 &&
        (blossomBase[b] as number) >= 0 &&
        label[b] === 1 &&
        dual[b] === 0
      ) {
        expandBlossom(b, true);
      }
    }
  }

  for (let v = 0; v < n; v++) {
    const p = mate[v] as number;
    if (p >= 0) result[v] = endpoint[p] as number;
  }
  return result;
}
