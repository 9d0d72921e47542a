package scope

// BlastRadius groups findings for the terminal report by the worst thing
// their credential could do. It is derived from a Scope by Radius, like
// Severity, and never set by hand.
type BlastRadius string

const (
	// RadiusDestroy: the credential can delete data, infrastructure or
	// backups.
	RadiusDestroy BlastRadius = "can destroy"
	// RadiusWriteBroad: admin rights, or write access across an account or
	// organisation.
	RadiusWriteBroad BlastRadius = "can write broadly"
	// RadiusNarrow: read-only, write confined to one project or resource,
	// or nothing known beyond "a live secret".
	RadiusNarrow BlastRadius = "read-only or narrow"
	// RadiusHarmless: test mode, expired, or not a secret at all.
	RadiusHarmless BlastRadius = "test, expired or public"
)

// Radii lists the blast radius groups worst first, the order in which the
// terminal report shows them.
func Radii() []BlastRadius {
	return []BlastRadius{RadiusDestroy, RadiusWriteBroad, RadiusNarrow, RadiusHarmless}
}

// Radius returns the blast radius group of a scope:
//
//	test, expired or public  access none, env test, or lifetime expired
//	can destroy              destructive, or critical (admin over a whole
//	                         account or more: it can delete what it
//	                         administers), and none of the above
//	can write broadly        severity high without being destructive:
//	                         admin on one project, or write (or unknown
//	                         access) at account or org reach
//	read-only or narrow      everything else, and a doubted token (its
//	                         checksum fails)
func Radius(s Scope) BlastRadius {
	s = s.Normalize()
	switch {
	case s.Access == AccessNone || s.Env == EnvTest || s.Lifetime == LifetimeExpired:
		return RadiusHarmless
	case s.Doubt != "":
		// a token whose own checksum fails is most likely no live one: it
		// is listed with the narrow ones, as its severity is capped
		return RadiusNarrow
	case s.Destructive || s.Severity() == SevCritical:
		// a critical finding is never listed below a high one
		return RadiusDestroy
	case s.Severity() >= SevHigh:
		return RadiusWriteBroad
	}
	return RadiusNarrow
}
