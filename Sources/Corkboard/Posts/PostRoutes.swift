/// The posts feature's routes: create, read, edit, delete, photos, and their API.
enum PostRoutes {
    static func register(on router: Router) {}
}
