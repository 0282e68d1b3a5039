import { expect } from "chai";
import { network } from "hardhat";

// Hardhat >= 3.18 deprecates network.connect(): create() makes a fresh
// in-process EDR chain for this file (getOrCreate() would share a cached one).
const { ethers } = await network.create();

describe("toolchain smoke test", function () {
  it("connects to the in-process EDR network (chain id 31337)", async function () {
    const { chainId } = await ethers.provider.getNetwork();
    expect(chainId).to.equal(31337n);
  });

  it("provides a funded signer", async function () {
    const [signer] = await ethers.getSigners();
    if (signer === undefined) throw new Error("the in-process network has no account");
    const balance = await ethers.provider.getBalance(signer.address);
    expect(balance > 0n).to.equal(true);
  });
});
