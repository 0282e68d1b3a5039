// What the explorer's run page says of a run's dataset and of its trainer's reports, decided without the
// DOM (explorer/src/runStory.ts, which the page's views use): a dataset card's example count against the
// registered size (the size-mismatch warning), an invalid card's reason, a link never turned into a
// javascript: link, a card never shown as base64; and the reported evaluations as one series per
// (metric, split), each step count's latest report, an accuracy on a 0–100% axis.
import { expect } from "chai";
import type { ReportedEvaluation } from "../../src/chain/index.js";
import { DATASET_CARD_SCHEMA, datasetCardUri, datasetUriSummary, type DatasetCard } from "../../src/protocol/index.js";
import { describeDataset, httpHref, reportedSeries, spdxLicenseUrl } from "../../explorer/src/runStory.js";

const CARD: Omit<DatasetCard, "schema"> = {
  name: "a test dataset",
  license: "CC-BY-4.0",
  examples: 16,
  description: "made up by the test",
  source: "https://data.example/test.csv",
};

/** A data: URI of `value` as JSON, as a registrant could send any (registerDataset checks nothing in it). */
function jsonDataUri(value: unknown): string {
  return `data:application/json;base64,${Buffer.from(JSON.stringify(value)).toString("base64")}`;
}

function evaluation(
  steps: bigint,
  metric: string,
  split: string,
  numerator: bigint,
  denominator: bigint,
  blockNumber: number,
): ReportedEvaluation {
  return {
    runId: 1n,
    steps,
    metric,
    split,
    numerator,
    denominator,
    value: Number(numerator) / Number(denominator),
    reporter: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
    blockNumber,
    transactionHash: `0x${blockNumber.toString(16).padStart(64, "0")}`,
  };
}

describe("explorer: a run's story without the DOM (explorer/src/runStory.ts)", function () {
  it("reads a dataset card and checks its example count against the registered size", function () {
    const agreeing = describeDataset(datasetCardUri(CARD), 16n);
    if (agreeing.kind !== "card") throw new Error(`expected a card, got ${agreeing.kind}`);
    expect(agreeing.card).to.deep.equal({ schema: DATASET_CARD_SCHEMA, ...CARD });
    expect(agreeing.size).to.deep.equal({ registered: 16n, claimed: 16, agrees: true });
    expect(agreeing.licenseUrl).to.equal("https://spdx.org/licenses/CC-BY-4.0.html");
    expect(agreeing.sourceHref).to.equal("https://data.example/test.csv");

    // The same card on a dataset registered with another size: the page warns (the proofs use 15).
    const differing = describeDataset(datasetCardUri(CARD), 15n);
    if (differing.kind !== "card") throw new Error(`expected a card, got ${differing.kind}`);
    expect(differing.size).to.deep.equal({ registered: 15n, claimed: 16, agrees: false });
  });

  it("says why a data: URI is not a valid card", function () {
    const noLicence = describeDataset(
      jsonDataUri({ schema: DATASET_CARD_SCHEMA, name: "no licence", examples: 16 }),
      16n,
    );
    expect(noLicence.kind).to.equal("invalid");
    if (noLicence.kind === "invalid") expect(noLicence.reason).to.contain("license");
    const otherSchema = describeDataset(jsonDataUri({ ...CARD, schema: "someone/else@1" }), 16n);
    expect(otherSchema.kind).to.equal("invalid");
    if (otherSchema.kind === "invalid") expect(otherSchema.reason).to.contain("schema");
    const notJson = describeDataset(`data:application/json;base64,${Buffer.from("{name:").toString("base64")}`, 16n);
    expect(notJson).to.include({ kind: "invalid" });
    if (notJson.kind === "invalid") expect(notJson.reason).to.contain("not JSON");
  });

  it("shows a link without fetching it, and makes a link only of an http(s) URL", function () {
    expect(describeDataset("https://mirror.example/data.json", 16n)).to.deep.equal({
      kind: "link",
      uri: "https://mirror.example/data.json",
      href: "https://mirror.example/data.json",
    });
    expect(describeDataset("ipfs://bafy/data.json", 16n)).to.deep.equal({
      kind: "link",
      uri: "ipfs://bafy/data.json",
      href: undefined,
    });
    expect(describeDataset("javascript:alert(1)", 16n)).to.include({ kind: "link", href: undefined });
    expect(describeDataset("", 16n)).to.deep.equal({ kind: "none" });
    const scriptSource = describeDataset(datasetCardUri({ ...CARD, source: "javascript:alert(1)" }), 16n);
    expect(scriptSource).to.include({ kind: "card", sourceHref: undefined });
    expect(httpHref("http://data.example/x")).to.equal("http://data.example/x");
    expect(httpHref("not a url")).to.equal(undefined);
  });

  it("links a licence to its SPDX page only when it is one SPDX identifier", function () {
    expect(spdxLicenseUrl("CC0-1.0")).to.equal("https://spdx.org/licenses/CC0-1.0.html");
    expect(spdxLicenseUrl("MIT OR Apache-2.0")).to.equal(undefined);
    expect(spdxLicenseUrl("../../evil")).to.equal(undefined);
  });

  it("writes a dataset uri in one line: a card as its name and licence, never as base64", function () {
    const uri = datasetCardUri(CARD);
    expect(datasetUriSummary(uri)).to.equal("a test dataset (CC-BY-4.0)");
    expect(datasetUriSummary(uri)).to.not.contain("base64");
    expect(datasetUriSummary("https://mirror.example/data.json")).to.equal("https://mirror.example/data.json");
    expect(datasetUriSummary(jsonDataUri({ name: "x" }))).to.equal("invalid dataset card");
    expect(datasetUriSummary("")).to.equal("");
  });

  it("groups reports by (metric, split) in the order first reported, the latest at each step count", function () {
    const series = reportedSeries([
      evaluation(0n, "accuracy", "held-out", 1n, 10n, 5),
      evaluation(0n, "mean squared error", "held-out", 3n, 100n, 5),
      evaluation(2n, "accuracy", "held-out", 4n, 10n, 6),
      evaluation(2n, "accuracy", "held-out", 5n, 10n, 7),
      evaluation(2n, "accuracy", "another split", 9n, 10n, 7),
    ]);
    expect(series.map((entry) => [entry.metric, entry.split])).to.deep.equal([
      ["accuracy", "held-out"],
      ["mean squared error", "held-out"],
      ["accuracy", "another split"],
    ]);
    const [accuracy, meanSquared] = series;
    expect(accuracy?.points.map((point) => [point.steps, point.value])).to.deep.equal([
      [0n, 0.1],
      [2n, 0.5],
    ]);
    expect(accuracy?.axisTop).to.equal(1);
    expect(accuracy?.ticks.map((tick) => tick.label)).to.deep.equal(["0.0%", "50.0%", "100.0%"]);
    // Not closeTo: in the whole suite hardhat's chai matchers take it over for integers only.
    expect(Math.abs((meanSquared?.axisTop ?? 0) - 0.033)).to.be.lessThan(1e-12);
    expect(meanSquared?.ticks.map((tick) => tick.label)).to.deep.equal(["0", "0.03000"]);
    expect(reportedSeries([])).to.deep.equal([]);
  });
});
