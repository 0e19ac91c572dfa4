// The end-to-end runs seed torch's global generator; tests running beside them would draw from it in between.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
