/// The posts feature's routes: create, read, edit, delete, photos, and their API.
/// Upload routes (POST/PUT with bodies) are sent by nginx to the upload pool; see
/// nginx/corkboard-locations.conf.
enum PostRoutes {
    static func register(on router: Router) {
        router.post("/api/photos") { try PostAPI.uploadPhoto($0) }
        router.add("PUT", "/_cluster/photos/:sha256") { try PeerPhotoHandler.put($0) }
        router.post("/api/posts") { try PostAPI.create($0) }
        router.get("/api/posts/:id") { try PostAPI.show($0) }
        router.add("PUT", "/api/posts/:id") { try PostAPI.update($0) }
        router.add("DELETE", "/api/posts/:id") { try PostAPI.delete($0) }
        router.post("/api/posts/:id/repost") { try PostAPI.repost($0) }
        router.get("/api/account/posts") { try PostAPI.mine($0) }

        router.get("/post/new") { try PostFormHandler.newForm($0) }
        router.post("/post/new") { try PostFormHandler.create($0) }
        router.get("/post/:id") { try PostPageHandler.show($0) }
        router.get("/post/:id/edit") { try PostFormHandler.editForm($0) }
        router.post("/post/:id/edit") { try PostFormHandler.update($0) }
        router.post("/post/:id/delete") { try PostFormHandler.delete($0) }
        router.post("/post/:id/repost") { try PostFormHandler.repost($0) }
        router.get("/account/posts") { try MyPostsPage.show($0) }
    }
}
