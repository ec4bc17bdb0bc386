import ArgumentParser
import ShootdownModel
import ShootdownReport

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A short showcase: Linux's protocol on the built-in scenarios, and a mutant caught.")

    @Option(help: "Seeds to try per scenario.")
    var seeds = 50

    func run() throws {
        print(DemoText.render(seeds: seeds))
    }
}
