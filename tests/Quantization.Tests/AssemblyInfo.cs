// Tests seed torch's global generator (manual_seed) and expect what they drew; a test running beside them would draw
// from the same generator in between and change their weights, masks or data. libtorch's own thread pool already uses
// both cores of the CI machine, so running test classes one after another costs little.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
