import ArgumentParser
import ShootdownModel
import ShootdownReport

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "A showcase: the seed thread's bug found, Linux, the RFC's fix and the flush ring compared, every mutant caught."
    )

    @Option(help: "Random schedules per scenario for the flush counts.")
    var seeds = 50

    func run() throws {
        print(DemoText.render(seeds: seeds))
    }
}
