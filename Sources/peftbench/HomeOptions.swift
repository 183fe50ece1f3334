import ArgumentParser
import Harness

/// `--tasks-dir`: where the task definitions are (default: found from the executable, see `ProjectHome`).
struct HomeOptions: ParsableArguments {
    @Option(help: "The task definitions folder (default: tasks/ beside the executable's checkout, or $PEFTBENCH_HOME/tasks).")
    var tasksDir: String?

    func tasksFolder() throws -> String {
        do { return try ProjectHome.folder("tasks", explicit: tasksDir, flag: "--tasks-dir") } catch { throw ValidationError("\(error)") }
    }
}
