import Engine

/// Summed loss over the target tokens of a batch, and how many there were.
public struct BatchLoss: Sendable, Equatable {
    public var sum: Double
    public var tokens: Int
    public var mean: Double { tokens > 0 ? sum / Double(tokens) : 0 }
}

/// A LLaMA-family decoder: token embedding, blocks, final RMSNorm, tied or untied LM head, with a hand-written
/// backward. Gradients are computed only for trainable parameters; input gradients still flow through frozen ones.
///
/// Legend: B batch, T tokens per sequence (plus Nv virtual tokens in front), N = B·(Nv+T) rows, C hidden size,
/// V vocabulary, M rows that carry a target.
public final class LlamaModel {
    public let config: LlamaConfig
    public let embedTokens: Parameter  // (V, C)
    public let finalNorm: Parameter    // (C)
    public let lmHead: Parameter?      // (V, C), only when embeddings are untied
    public let layers: [DecoderLayer]
    /// Prompt tuning / P-tuning install themselves here.
    public var virtualTokens: (any VirtualTokenSource)?
    /// Prefix tuning installs itself here.
    public var keyValuePrefix: (any KeyValuePrefixSource)?

    let rotary: RotaryTable
    private let state = PassState()
    /// Rows of the LM head computed at once: bounds the logits buffer to headChunk·V floats (100 MB for
    /// SmolLM2). At 256 rows the head's products ran 4% slower inside a training step on two threads.
    public var headChunk = 512

    /// `seed` draws the Hugging Face initialisation (normal with `initializer_range`, norms at one); nil leaves
    /// linears and embeddings at zero for a loader to fill. Parameters start trainable or frozen as asked (a
    /// loaded checkpoint starts frozen, so no gradient memory is spent until a method says what trains).
    public init(config: LlamaConfig, seed: UInt64? = 0, trainable: Bool = true) {
        self.config = config
        let c = config.hiddenSize
        embedTokens = Parameter(name: "model.embed_tokens.weight", shape: [config.vocabSize, c], trainable: trainable)
        finalNorm = Parameter(name: "model.norm.weight", shape: [c], trainable: trainable)
        finalNorm.value.buffer.update(repeating: 1)
        lmHead = config.tieWordEmbeddings ? nil
            : Parameter(name: "lm_head.weight", shape: [config.vocabSize, c], trainable: trainable)
        layers = (0..<config.numHiddenLayers).map { DecoderLayer(index: $0, config: config, trainable: trainable) }
        rotary = RotaryTable(headDim: config.headDim, theta: config.ropeTheta, maxPositions: config.maxPositionEmbeddings)
        if let seed {
            for p in parameters where p.shape.count == 2 {
                var rng = RandomGenerator.derived(seed: seed, stream: p.name)
                rng.fillNormal(p.value.pointer, count: p.count, std: config.initializerRange)
            }
        }
    }

    /// The weight that maps hidden states to logits.
    public var outputWeight: Parameter { lmHead ?? embedTokens }

    /// The output weight as the checkpoint stored it in blocks, for one-token decoding (see `DenseLinear`).
    public private(set) var outputBlocks: QuantizedRows?
    private var outputBlocksVersion = 0

    public func attachOutputBlocks(_ blocks: QuantizedRows) {
        precondition(blocks.rows == config.vocabSize && blocks.cols == config.hiddenSize, "output blocks do not match")
        outputBlocks = blocks
        outputBlocksVersion = outputWeight.version
    }

    /// Logits of one hidden state through the block copy, when it is still valid.
    func outputThroughBlocks(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) -> Bool {
        guard let blocks = outputBlocks, !outputWeight.trainable, outputBlocksVersion == outputWeight.version else { return false }
        blocks.multiply(x: x, y: y)
        return true
    }

    /// Every parameter once, base and method alike, in a stable order.
    public var parameters: [Parameter] {
        var seen = Set<ObjectIdentifier>()
        var all: [Parameter] = []
        func add(_ ps: [Parameter]) { for p in ps where seen.insert(ObjectIdentifier(p)).inserted { all.append(p) } }
        add([embedTokens])
        for layer in layers { add(layer.parameters) }
        add([finalNorm])
        if let lmHead { add([lmHead]) }
        if let v = virtualTokens { add(v.parameters) }
        if let p = keyValuePrefix { add(p.parameters) }
        return all
    }

    public var trainableParameters: [Parameter] { parameters.filter(\.trainable) }

    /// Every parameter element, including base weights a method keeps quantized outside `parameters`.
    public var parameterElementCount: Int {
        parameters.totalCount + layers.reduce(0) { n, l in n + LinearSlot.allCases.reduce(0) { $0 + l[$1].storedElements } }
    }

    public func parameter(named name: String) -> Parameter? { parameters.first { $0.name == name } }

    /// The plain projection behind a weight name, if it is one (`model.layers.3.mlp.up_proj.weight`).
    public func denseLinear(named weightName: String) -> DenseLinear? {
        for layer in layers {
            for slot in LinearSlot.allCases {
                if let dense = layer[slot] as? DenseLinear, dense.weight.name == weightName { return dense }
            }
        }
        return nil
    }

    public func freezeAll() { for p in parameters { p.trainable = false } }
    public func unfreezeAll() { for p in parameters { p.trainable = true } }
    public func zeroGradients() { for p in parameters { p.zeroGrad() } }

    // MARK: training and scoring

    /// Forward and backward over one batch. Gradients of trainable parameters accumulate (they are not cleared),
    /// scaled so that `gradScale` = 1/targets gives the gradient of the mean loss.
    @discardableResult
    public func forwardBackward(_ batch: TokenBatch, gradScale: Float) -> BatchLoss {
        let loss = runForward(batch, training: true, gradScale: gradScale)
        runBackward()
        return loss
    }

    /// The loss of a batch, without gradients.
    public func loss(_ batch: TokenBatch) -> BatchLoss {
        runForward(batch, training: false, gradScale: nil)
    }

    /// Log-probability of each target token, (B·T) with NaN where the target is -1.
    public func targetLogProbabilities(_ batch: TokenBatch) -> [Float] {
        runForward(batch, training: false, gradScale: nil, keepTargetLogProbs: true)
        var out = [Float](repeating: .nan, count: batch.batch * batch.length)
        let s = state
        for m in 0..<s.selectedCount { out[Int(s.realIndex.pointer[m])] = s.targetLogProbs.pointer[m] }
        return out
    }

    /// At each target position, the model's most likely next token and its probability, (B·T) entries, token -1
    /// where the target is -1. Computed chunk by chunk in the head, so no (B·T, V) logits are kept.
    public func topChoices(_ batch: TokenBatch) -> [(probability: Double, token: Int32)] {
        runForward(batch, training: false, gradScale: nil, keepTopChoices: true)
        var out = [(probability: Double, token: Int32)](repeating: (.nan, -1), count: batch.batch * batch.length)
        let s = state
        for m in 0..<s.selectedCount {
            out[Int(s.realIndex.pointer[m])] = (s.topProbability[m], s.topToken.pointer[m])
        }
        return out
    }

    /// Logits of every real position, (B·T, V).
    public func logits(_ batch: TokenBatch) -> [Float] {
        var all = batch
        all.targets = [Int32](repeating: 0, count: batch.inputs.count)  // select every position
        runForward(all, training: false, gradScale: nil, keepLogits: true)
        return state.allLogits
    }

    // MARK: passes

    @discardableResult
    private func runForward(
        _ batch: TokenBatch, training: Bool, gradScale: Float?,
        keepTargetLogProbs: Bool = false, keepLogits: Bool = false, keepTopChoices: Bool = false
    ) -> BatchLoss {
        let s = state, cfg = config, c = cfg.hiddenSize
        let nv = virtualTokens?.count ?? 0, p = keyValuePrefix?.count ?? 0
        let tt = nv + batch.length, n = batch.batch * tt
        precondition(p + tt <= cfg.maxPositionEmbeddings, "sequence of \(p + tt) exceeds max_position_embeddings")
        let geometry = AttentionGeometry(batch: batch.batch, queries: tt, keys: tt, heads: cfg.numAttentionHeads,
                                         kvHeads: cfg.numKeyValueHeads, headDim: cfg.headDim, prefix: p)
        s.prepare(rows: n, probsCount: geometry.probsCount, scoresCount: Attention.backwardScratchCount(geometry), layers: layers.count,
                  config: cfg, training: training)
        s.geometry = geometry
        s.training = training

        // Lay out rows: [left padding][virtual tokens][tokens][right padding]; see TokenBatch.
        let ids = s.ids.reserve(n), positions = s.positions.reserve(n), keyStart = s.keyStart.reserve(batch.batch)
        let rowTargets = s.rowTargets.reserve(n)
        let realIndex = s.realIndex.reserve(n)
        var m = 0
        for b in 0..<batch.batch {
            let pad = Int(batch.leftPadding?[b] ?? 0)
            keyStart[b] = Int32(pad)
            for t in 0..<tt {
                let r = b * tt + t
                positions[r] = Int32(p + max(0, t - pad))
                if t >= pad && t < pad + nv {
                    ids[r] = -1
                    rowTargets[r] = -1
                } else {
                    let src = b * batch.length + (t < pad ? t : t - nv)
                    ids[r] = batch.inputs[src]
                    rowTargets[r] = batch.targets[src]
                    if batch.targets[src] >= 0 {
                        s.selectedRows.reserve(n)[m] = Int32(r)
                        realIndex[m] = Int32(src)
                        m += 1
                    }
                }
            }
        }
        s.selectedCount = m

        // embeddings
        let x0 = s.residualStream(0).pointer
        for i in 0..<n where ids[i] >= cfg.vocabSize { preconditionFailure("token id \(ids[i]) outside the vocabulary") }
        Embedding.forward(out: x0, ids: ids, table: embedTokens.value.pointer, rows: n, channels: c)
        if let v = virtualTokens, nv > 0 {
            let virt = s.virtualOut.reserve(nv * c)
            v.forward(out: virt, training: training)
            for b in 0..<batch.batch {
                let pad = Int(batch.leftPadding?[b] ?? 0)
                (x0 + (b * tt + pad) * c).update(from: virt, count: nv * c)
            }
        }
        keyValuePrefix?.prepare(training: training)

        let ctx = DecoderLayer.Context(
            rows: n, channels: c, geometry: geometry, positions: positions,
            keyStart: batch.leftPadding == nil ? nil : UnsafePointer(keyStart),
            rotary: rotary, eps: cfg.rmsNormEps, prefix: keyValuePrefix, training: training)
        s.context = ctx
        for (l, layer) in layers.enumerated() {
            layer.forward(x: s.residualStream(l).pointer, out: s.residualStream(l + 1).pointer,
                          a: s.layerActivations(l), ctx: ctx)
        }
        return head(rows: m, training: training, gradScale: gradScale, keepTargetLogProbs: keepTargetLogProbs,
                    keepLogits: keepLogits, keepTopChoices: keepTopChoices)
    }

    /// Final norm, LM head and cross-entropy over the M selected rows, in chunks of `headChunk` rows. In training
    /// the head's backward runs chunk by chunk right away, so the (M, V) logits never exist at once.
    private func head(rows m: Int, training: Bool, gradScale: Float?, keepTargetLogProbs: Bool, keepLogits: Bool,
                      keepTopChoices: Bool) -> BatchLoss {
        let s = state, c = config.hiddenSize, vocab = config.vocabSize
        let last = s.residualStream(layers.count).pointer
        let headIn = s.headIn.reserve(m * c), headNorm = s.headNorm.reserve(m * c), rstd = s.headRstd.reserve(m)
        let selected = s.selectedRows.pointer, rowTargets = s.rowTargets.pointer
        let targets = s.headTargets.reserve(m)
        for i in 0..<m {
            (headIn + i * c).update(from: last + Int(selected[i]) * c, count: c)
            targets[i] = rowTargets[Int(selected[i])]
        }
        RMSNorm.forward(out: headNorm, rstd: rstd, inp: headIn, weight: finalNorm.value.pointer,
                        rows: m, channels: c, eps: config.rmsNormEps)
        let w = outputWeight
        let chunk = max(1, headChunk)
        let logits = s.logits.reserve(min(m, chunk) * vocab)
        let dHeadNorm = s.dHeadNorm.reserve(m * c)
        let logProbs = keepTargetLogProbs ? s.targetLogProbs.reserve(m) : nil
        if keepLogits { s.allLogits = [Float](repeating: 0, count: m * vocab) }
        if keepTopChoices { s.topProbability = [Double](repeating: .nan, count: m) }
        let topTokens = keepTopChoices ? s.topToken.reserve(m) : nil
        var total = 0.0
        var start = 0
        while start < m {
            let r = min(chunk, m - start)
            GEMM.linearForward(x: headNorm + start * c, weight: w.value.pointer, y: logits, rows: r,
                               inFeatures: c, outFeatures: vocab)
            if keepLogits {
                s.allLogits.withUnsafeMutableBufferPointer { $0.baseAddress!.advanced(by: start * vocab).update(from: logits, count: r * vocab) }
            }
            if let topTokens {
                // Before the cross-entropy, which turns the logits into probabilities in place.
                s.topProbability.withUnsafeMutableBufferPointer {
                    TopChoice.forward(logits: logits, rows: r, vocab: vocab, probability: $0.baseAddress! + start, token: topTokens + start)
                }
            }
            total += CrossEntropy.forwardBackward(
                logits: logits, targets: targets + start, rows: r, vocab: vocab,
                gradScale: training ? gradScale : nil, logProbOfTarget: logProbs.map { $0 + start })
            if training {
                GEMM.linearBackwardInput(dy: logits, weight: w.value.pointer, dx: dHeadNorm + start * c, rows: r,
                                         inFeatures: c, outFeatures: vocab, accumulate: false)
                if let dw = w.grad {
                    GEMM.linearBackwardWeight(dy: logits, x: headNorm + start * c, dweight: dw.pointer, rows: r,
                                              inFeatures: c, outFeatures: vocab)
                }
            }
            start += r
        }
        return BatchLoss(sum: total, tokens: m)
    }

    private func runBackward() {
        let s = state, c = config.hiddenSize, m = s.selectedCount
        guard let ctx = s.context, s.training else { preconditionFailure("backward without a training forward") }
        let n = ctx.rows
        let dHeadIn = s.dHeadIn.reserve(m * c)
        RMSNorm.backward(dinp: dHeadIn, dweight: finalNorm.grad?.pointer, dout: s.dHeadNorm.pointer,
                         inp: s.headIn.pointer, weight: finalNorm.value.pointer, rstd: s.headRstd.pointer,
                         rows: m, channels: c, accumulate: false)
        let dtrunk = s.dtrunk.pointer
        dtrunk.update(repeating: 0, count: n * c)
        for i in 0..<m {
            VectorOps.add(dHeadIn + i * c, into: dtrunk + Int(s.selectedRows.pointer[i]) * c, c)
        }
        for l in stride(from: layers.count - 1, through: 0, by: -1) {
            layers[l].backward(dtrunk: dtrunk, x: s.residual[l].pointer, a: s.activations[l], s: s.scratch!, ctx: ctx)
        }
        if let dtable = embedTokens.grad {
            Embedding.backward(dtable: dtable.pointer, dout: dtrunk, ids: s.ids.pointer, rows: n, channels: c)
        }
        if let v = virtualTokens, v.count > 0 {
            let nv = v.count, tt = ctx.geometry.queries
            let dvirt = s.virtualGrad.reserve(nv * c)
            dvirt.update(repeating: 0, count: nv * c)
            for b in 0..<ctx.geometry.batch {
                let pad = Int(s.keyStart.pointer[b])
                VectorOps.add(dtrunk + (b * tt + pad) * c, into: dvirt, nv * c)
            }
            v.backward(dout: dvirt)
        }
        keyValuePrefix?.finishBackward()
    }
}

/// Buffers of one pass, kept across passes and grown only when a larger batch arrives.
///
/// A training pass keeps every block's activations and every residual stream for the backward; a pass without
/// gradients needs only one block's activations and two streams, reused block after block, so scoring and
/// evaluation hold one block's share of training's activation memory.
final class PassState {
    var rowsCapacity = 0, probsCapacity = 0, scoresCapacity = 0
    var residual: [FloatBuffer] = []         // L+1 × (N, C), training passes
    var activations: [LayerActivations] = []
    var inferenceRowsCapacity = 0, inferenceProbsCapacity = 0
    var inferenceResidual: [FloatBuffer] = []  // 2 × (N, C), passes without gradients
    var inferenceActivations: LayerActivations?
    var scratch: BackwardScratch?
    var dtrunk = FloatBuffer(count: 0)       // (N, C)
    var ids = IndexBuffer(), positions = IndexBuffer(), keyStart = IndexBuffer()
    var rowTargets = IndexBuffer(), selectedRows = IndexBuffer(), realIndex = IndexBuffer(), headTargets = IndexBuffer()
    var selectedCount = 0
    var headIn = GrowableBuffer(), headNorm = GrowableBuffer(), headRstd = GrowableBuffer()
    var dHeadNorm = GrowableBuffer(), dHeadIn = GrowableBuffer(), logits = GrowableBuffer()
    var targetLogProbs = GrowableBuffer(), virtualOut = GrowableBuffer(), virtualGrad = GrowableBuffer()
    var allLogits: [Float] = []
    var topProbability: [Double] = [], topToken = IndexBuffer()
    var geometry: AttentionGeometry?
    var context: DecoderLayer.Context?
    var training = false

    /// The residual stream entering block `l` (`l` = L: the last block's output) in the current pass.
    func residualStream(_ l: Int) -> FloatBuffer { training ? residual[l] : inferenceResidual[l & 1] }

    func layerActivations(_ l: Int) -> LayerActivations { training ? activations[l] : inferenceActivations! }

    func prepare(rows n: Int, probsCount: Int, scoresCount: Int, layers: Int, config: LlamaConfig, training: Bool) {
        guard training else {
            if n > inferenceRowsCapacity || probsCount > inferenceProbsCapacity || inferenceActivations == nil {
                inferenceRowsCapacity = max(n, inferenceRowsCapacity)
                inferenceProbsCapacity = max(probsCount, inferenceProbsCapacity)
                inferenceResidual = (0..<2).map { _ in FloatBuffer(count: inferenceRowsCapacity * config.hiddenSize) }
                inferenceActivations = LayerActivations(rows: inferenceRowsCapacity, probsCount: inferenceProbsCapacity,
                                                        config: config)
            }
            return
        }
        if n > rowsCapacity || probsCount > probsCapacity || residual.count != layers + 1 {
            rowsCapacity = max(n, rowsCapacity)
            probsCapacity = max(probsCount, probsCapacity)
            residual = (0...layers).map { _ in FloatBuffer(count: rowsCapacity * config.hiddenSize) }
            activations = (0..<layers).map { _ in
                LayerActivations(rows: rowsCapacity, probsCount: probsCapacity, config: config)
            }
            dtrunk = FloatBuffer(count: rowsCapacity * config.hiddenSize)
            scratch = nil
        }
        if training && (scratch == nil || scoresCount > scoresCapacity) {
            scoresCapacity = max(scoresCount, scoresCapacity)
            scratch = BackwardScratch(rows: rowsCapacity, scoresCount: scoresCapacity, config: config)
        }
    }
}
