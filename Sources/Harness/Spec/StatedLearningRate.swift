import Methods
import Results

extension RunSpec {
    /// The learning rate it names outright: its number, else its method's default; nil for `select` (known once
    /// selection ran) and for an unknown method.
    public var statedLearningRate: Float? {
        switch learningRate {
        case .value(let v)?: return v
        case .select?: return nil
        case nil: return (try? MethodRegistry.method(named: method))?.learningRates.defaultValue
        }
    }
}
