import Testing
import ArgumentParser
import KisoCLI

@Suite struct CommandTests {
    @Test func rootCommandIsNamedKiso() {
        #expect(KisoCommand.configuration.commandName == "kiso")
    }
}
