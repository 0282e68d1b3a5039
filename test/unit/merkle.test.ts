import { expect } from "chai";
import fc from "fast-check";

import { buildTree, poseidonHash, rootFromProof, verifyProof } from "../../src/protocol/index.js";

/** Root by hashing every leaf of the full tree: the definition, for small depths. */
function naiveRoot(leaves: readonly bigint[], depth: number): bigint {
  let level = Array.from({ length: 2 ** depth }, (_, i) => leaves[i] ?? 0n);
  while (level.length > 1) {
    level = Array.from({ length: level.length / 2 }, (_, i) =>
      poseidonHash([level[2 * i] as bigint, level[2 * i + 1] as bigint]),
    );
  }
  return level[0] as bigint;
}

describe("merkle", () => {
  it("agrees with the full tree and proves every position, empty ones included", () => {
    const leaves = [11n, 22n, 33n];
    const tree = buildTree(leaves, 3);
    expect(tree.root).to.equal(naiveRoot(leaves, 3));
    for (let index = 0; index < 8; index++) {
      const proof = tree.proof(index);
      expect(proof.siblings).to.have.length(3);
      expect(proof.pathBits).to.deep.equal([index % 2, Math.floor(index / 2) % 2, Math.floor(index / 4) % 2]);
      expect(verifyProof(leaves[index] ?? 0n, index, proof.siblings, tree.root)).to.equal(true);
    }
    // level 0 first: the sibling of leaf 2 is leaf 3 (empty), then the node over leaves 0 and 1.
    expect(tree.proof(2).siblings.slice(0, 2)).to.deep.equal([0n, poseidonHash([11n, 22n])]);
  });

  it("fails with a wrong sibling, leaf or index", () => {
    const tree = buildTree([11n, 22n, 33n], 3);
    const { siblings } = tree.proof(1);
    const tampered = [...siblings];
    tampered[1] = (tampered[1] as bigint) + 1n;
    expect(verifyProof(22n, 1, tampered, tree.root)).to.equal(false);
    expect(verifyProof(23n, 1, siblings, tree.root)).to.equal(false);
    expect(verifyProof(22n, 0, siblings, tree.root)).to.equal(false);
    expect(() => verifyProof(22n, 8, siblings, tree.root)).to.throw(RangeError);
  });

  it("handles depth 20 without hashing the empty leaves", () => {
    const leaves = [1n, 2n, 3n, 4n, 5n];
    const tree = buildTree(leaves, 20);
    const proof = tree.proof(4);
    expect(rootFromProof(5n, 4, proof.siblings)).to.equal(tree.root);
    expect(verifyProof(0n, 2 ** 20 - 1, tree.proof(2 ** 20 - 1).siblings, tree.root)).to.equal(true);
  });

  it("gives an empty tree the root of the zero subtree", () => {
    expect(buildTree([], 2).root).to.equal(naiveRoot([], 2));
    expect(buildTree([7n], 0).root).to.equal(7n);
  });

  it("refuses more leaves than the depth allows", () => {
    expect(() => buildTree([1n, 2n, 3n], 1)).to.throw(RangeError);
  });

  it("proves random leaves of random small trees", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((depth) =>
          fc.record({
            depth: fc.constant(depth),
            leaves: fc.array(fc.bigInt({ min: 0n, max: 1n << 200n }), { minLength: 1, maxLength: 2 ** depth }),
          }),
        ),
        ({ depth, leaves }) => {
          const tree = buildTree(leaves, depth);
          expect(tree.root).to.equal(naiveRoot(leaves, depth));
          leaves.forEach((leaf, i) => expect(verifyProof(leaf, i, tree.proof(i).siblings, tree.root)).to.equal(true));
        },
      ),
      { numRuns: 30 },
    );
  });
});
