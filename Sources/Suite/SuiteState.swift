import Foundation
import Harness
import Results

/// Where each run of a suite stands, read from its folder: its record, and its claim.
public struct SuiteState {
    public typealias State = SuiteRunState

    public struct Row: Sendable {
        public var run: SuiteRun
        public var state: State
        public var result: RunResult?
        /// Who holds the claim, when someone does (a live claim is `running`; a dead one's run is pending).
        public var claim: Claim?
        public var claimLive: Bool
    }

    public let rows: [Row]

    /// The plan's runs (or `runs`), and the proxy runs past a grid's edge that a choice has reached (they have a
    /// folder or a claim).
    public init(plan: SuitePlan, outFolder: String, runs: [SuiteRun]? = nil) {
        let claims = ClaimStore(outFolder: outFolder)
        let reached = runs == nil ? plan.widening.filter { run in
            FileManager.default.fileExists(atPath: (outFolder as NSString).appendingPathComponent(run.runID)) || claims.read(run.runID) != nil
        } : []
        rows = ((runs ?? plan.runs) + reached).map { run in
            let result = try? RunFiles.readResult(folder: (outFolder as NSString).appendingPathComponent(run.runID))
            let claim = claims.read(run.runID)
            let live = claim.map { claims.isLive($0) } ?? false
            let state: State
            switch result?.status {
            case .completed?, .diverged?: state = .done
            case _ where live: state = .running
            case .failed?: state = .failed
            case .interrupted?: state = .interrupted
            default: state = .pending
            }
            return Row(run: run, state: state, result: result, claim: claim, claimLive: live)
        }
    }

    public func count(_ state: State) -> Int { rows.filter { $0.state == state }.count }
}
