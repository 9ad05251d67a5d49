import Hummingbird

func addIntakeRoutes(to router: Router<AppRequestContext>, _ dependencies: AppDependencies) {}
