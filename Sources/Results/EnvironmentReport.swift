/// The facts a measurement depends on: CPU, BLAS kernel and threads, compiler, project revision.
public struct EnvironmentReport: Codable, Sendable {
    public var cpu: String
    public var cpuVendor: String
    public var cpuFamily: Int?
    public var cpuModel: Int?
    public var cores: Int
    public var simdFeatures: [String]
    public var openblasVersion: String
    public var openblasCore: String
    public var openblasConfig: String
    public var openblasThreads: Int
    public var openblasCoretypeVariable: String?
    public var swiftVersion: String
    public var gitRevision: String

    public init(cpu: String, cpuVendor: String, cpuFamily: Int? = nil, cpuModel: Int? = nil, cores: Int, simdFeatures: [String],
                    openblasVersion: String, openblasCore: String, openblasConfig: String, openblasThreads: Int,
                    openblasCoretypeVariable: String? = nil, swiftVersion: String, gitRevision: String) {
        self.cpu = cpu
        self.cpuVendor = cpuVendor
        self.cpuFamily = cpuFamily
        self.cpuModel = cpuModel
        self.cores = cores
        self.simdFeatures = simdFeatures
        self.openblasVersion = openblasVersion
        self.openblasCore = openblasCore
        self.openblasConfig = openblasConfig
        self.openblasThreads = openblasThreads
        self.openblasCoretypeVariable = openblasCoretypeVariable
        self.swiftVersion = swiftVersion
        self.gitRevision = gitRevision
    }
}
