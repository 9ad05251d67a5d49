import Hummingbird

// Filled in by the slot allocator issue: offers API and the store's busyness page.
func addSlotRoutes(to router: Router<AppRequestContext>, _ dependencies: AppDependencies) {}
