package scope

// These decoders are filled in by the scope work; until then they return
// the base scope unchanged.



